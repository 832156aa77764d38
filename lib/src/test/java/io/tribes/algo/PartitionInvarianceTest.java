package io.tribes.algo;

import static io.tribes.algo.TestGraphs.spark;
import static io.tribes.algo.TestGraphs.toMap;
import static io.tribes.algo.TestGraphs.withConf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.algo.LabelPropagation.Mode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Results do not depend on shuffle partitions, input partitioning or join strategy: labels exactly, ranks to
 * 1e-12 (PageRank's rank-vector execution: exactly). The graph has decimal weights (so float sums differ with order) and many exact ties.
 */
class PartitionInvarianceTest {
  private static final int N = 160;

  /** 16 planted groups of 10 with dense decimal-weighted ties inside, sparse ties across; a few isolated. */
  private static Dataset<Row>[] graph() {
    Random rnd = new Random(42);
    List<Row> v = new ArrayList<>();
    for (long i = 0; i < N; i++) {
      v.add(RowFactory.create(i, i % 10 == 0 ? null : i / 10));
    }
    List<Row> e = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (int k = 0; k < 900; k++) {
      long a = rnd.nextInt(N - 4);
      long b = rnd.nextDouble() < 0.85 ? (a / 10) * 10 + rnd.nextInt(10) : rnd.nextInt(N - 4);
      if (a != b && seen.add(a * N + b)) {
        e.add(RowFactory.create(a, b, (1 + rnd.nextInt(9)) / 10.0));
      }
    }
    @SuppressWarnings("unchecked")
    Dataset<Row>[] out = new Dataset[] {
        spark().createDataFrame(v, new StructType().add("id", DataTypes.LongType)
            .add("community", DataTypes.LongType)),
        spark().createDataFrame(e, new StructType().add("src", DataTypes.LongType).add("dst", DataTypes.LongType)
            .add("weight", DataTypes.DoubleType))};
    return out;
  }

  private record Outcome(Map<Long, Long> weighted, int weightedIterations, Map<Long, Long> graphalytics,
      Map<Long, Double> pagerank, Map<Long, Double> pagerankDataFrame, Map<Long, Double> community) {}

  private static Outcome run(String shufflePartitions, Function<Dataset<Row>, Dataset<Row>> layout,
      long broadcastLimit) {
    return withConf("spark.sql.shuffle.partitions", shufflePartitions, () -> {
      Dataset<Row>[] g = graph();
      Dataset<Row> v = layout.apply(g[0]);
      Dataset<Row> e = layout.apply(g[1]);
      LabelPropagation.Result w = new LabelPropagation(v, e).maxIterations(30).broadcastVertexLimit(broadcastLimit)
          .run();
      LabelPropagation.Result ga = new LabelPropagation(v, e).mode(Mode.GRAPHALYTICS).maxIterations(4)
          .broadcastVertexLimit(broadcastLimit).run();
      PageRank.Result pr = new PageRank(v, e).maxIterations(8).broadcastVertexLimit(broadcastLimit).run();
      PageRank.Result prDf = new PageRank(v, e).maxIterations(8).broadcastVertexLimit(broadcastLimit)
          .vectorVertexLimit(0).run();
      CommunityPageRank.Result cpr = new CommunityPageRank(v, e).maxIterations(8).run();
      return new Outcome(TestGraphs.labels(w), w.iterations(), TestGraphs.labels(ga),
          toMap(pr.ranks(), "pagerank"), toMap(prDf.ranks(), "pagerank"), toMap(cpr.scores(), "score"));
    });
  }

  private static void assertClose(Map<Long, Double> a, Map<Long, Double> b) {
    assertEquals(a.keySet(), b.keySet());
    a.forEach((k, x) -> assertEquals(x, b.get(k), 1e-12, "vertex " + k));
  }

  @Test
  void resultsIgnorePartitioningAndJoinStrategy() {
    String before = spark().conf().get("spark.sql.shuffle.partitions");
    Outcome one = run("1", df -> df.coalesce(1), 2_000_000L);
    Outcome sevenShuffled = run("7", df -> df.repartition(5), 0L);
    Outcome sevenBroadcast = run("7", df -> df.repartition(3), 2_000_000L);
    assertEquals(before, spark().conf().get("spark.sql.shuffle.partitions"), "conf restored");

    assertTrue(one.weighted().values().stream().distinct().count() > 5, "found several communities");
    for (Outcome o : List.of(sevenShuffled, sevenBroadcast)) {
      assertEquals(one.weighted(), o.weighted());
      assertEquals(one.weightedIterations(), o.weightedIterations());
      assertEquals(one.graphalytics(), o.graphalytics());
      // the rank-vector execution (PageRank's default here) sums in an order fixed by the ids: bit-identical
      assertEquals(one.pagerank(), o.pagerank());
      assertClose(one.pagerankDataFrame(), o.pagerankDataFrame());
      assertClose(one.pagerank(), o.pagerankDataFrame());
      assertClose(one.community(), o.community());
    }
  }

  /**
   * The blocked-vector drivers themselves, at block counts the facades (one block per core at most) do not use,
   * with one job per iteration and with every iteration in one task: the same result, bit for bit.
   */
  @Test
  void vectorResultsIgnoreTheBlocksAndTheTasks() {
    Dataset<Row>[] g = graph();
    long[] ids = new long[N];
    for (int i = 0; i < N; i++) ids[i] = i;
    double[] teleport = new double[N];
    java.util.Arrays.fill(teleport, 1.0 / N);
    Dataset<Row> e = g[1].select(org.apache.spark.sql.functions.col("src"), org.apache.spark.sql.functions.col("dst"),
        org.apache.spark.sql.functions.col("weight").as("w"));
    Map<Long, Double> ranks1 = toMap(new RankVector(0.85, 8, 0.0).run(spark(), ids, teleport, e, 1, 0).ranks(),
        "pagerank");
    Map<Long, Long> labels1 = TestGraphs.labels(new LabelVector(4, false).run(spark(), ids, e, 1, 0));
    assertTrue(labels1.values().stream().distinct().count() > 5, "found several labels");
    for (int blocks : new int[] {3, 7}) {
      for (long oneTask : new long[] {0, Long.MAX_VALUE}) {
        String how = blocks + " blocks, " + (oneTask == 0 ? "a job per iteration" : "one task");
        assertEquals(ranks1, toMap(new RankVector(0.85, 8, 0.0).run(spark(), ids, teleport, e, blocks, oneTask)
            .ranks(), "pagerank"), how);
        assertEquals(labels1, TestGraphs.labels(new LabelVector(4, false).run(spark(), ids, e, blocks, oneTask)), how);
      }
    }
    // a tolerance stops both loops after the same iteration
    PageRank.Result jobs = new RankVector(0.85, 50, 1e-6).run(spark(), ids, teleport, e, 3, 0);
    PageRank.Result task = new RankVector(0.85, 50, 1e-6).run(spark(), ids, teleport, e, 3, Long.MAX_VALUE);
    assertTrue(jobs.iterations() < 50, "the tolerance stopped it: " + jobs.iterations());
    assertEquals(jobs.iterations(), task.iterations());
    assertEquals(jobs.residual(), task.residual());
    assertEquals(toMap(jobs.ranks(), "pagerank"), toMap(task.ranks(), "pagerank"));
  }
}
