package io.tribes.segment;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.tribes.algo.Subgraph;
import io.tribes.algo.Subgraphs;
import io.tribes.config.TribesConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Turns raw label propagation labels into communities that respect the size bounds.
 *
 * <ol>
 *   <li><b>Connected parts.</b> A label whose members are not connected by ties among themselves is
 *   split into its connected parts (labels can be disconnected, notably when seeded from yesterday's
 *   communities after a community broke apart). Each part is labelled by its smallest vertex id.</li>
 *   <li><b>Oversized.</b> A part above {@code community.max-size} is re-split by weighted label
 *   propagation on its own internal ties (soft-capped at max-size; the lpa.* iteration cap and
 *   convergence threshold, per part), then into connected parts again; up to
 *   {@code community.refine-depth} rounds. A part that comes back whole is genuinely dense: it is kept
 *   and flagged {@code oversized}, never cut arbitrarily.</li>
 *   <li><b>Small.</b> Parts below {@code community.min-size} leave their members unassigned.</li>
 * </ol>
 *
 * <p>Execution: every label is refined whole inside one task ({@link Subgraphs}, {@link Subgraph}): one
 * shuffle of the intra-label ties by label, then all of the above in memory, so the stage costs the same
 * few Spark jobs however many rounds and iterations it needs. Every step is deterministic (integer
 * labels, exact fixed-point scores, smallest-id choices), so the result does not depend on partitioning.
 */
public final class CommunityRefiner {
  private static final StructType REFINED = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("community", DataTypes.LongType, true)
      .add("oversized", DataTypes.BooleanType, false)
      .add("rounds", DataTypes.IntegerType, false);

  private final TribesConfig.Community community;
  private final TribesConfig.Lpa lpa;
  private final TribesConfig.Spark spark;

  public CommunityRefiner(TribesConfig.Community community, TribesConfig.Lpa lpa, TribesConfig.Spark spark) {
    this.community = community;
    this.lpa = lpa;
    this.spark = spark;
  }

  /** Result: (id, community LONG nullable, oversized BOOLEAN) and how many refinement rounds ran. */
  public record Refined(Dataset<Row> assignments, int rounds) {}

  /**
   * @param labels id LONG, label LONG
   * @param edges src LONG, dst LONG, weight DOUBLE
   */
  public Refined refine(Dataset<Row> labels, Dataset<Row> edges) {
    Dataset<Row> vertices = labels.select(col("label").as("group"), col("id"));
    Dataset<Row> s = labels.select(col("id").as("src"), col("label").as("group"));
    Dataset<Row> d = labels.select(col("id").as("dst"), col("label").as("dg"));
    Dataset<Row> intra = edges.select("src", "dst", "weight").join(s, "src").join(d, "dst")
        .filter(col("group").equalTo(col("dg")))
        .select(col("group"), col("src"), col("dst"), col("weight").as("w"));
    int partitions = Integer.parseInt(labels.sparkSession().conf().get("spark.sql.shuffle.partitions"));
    Rules rules = rules(community, lpa);
    Dataset<Row> refined = Subgraphs.map(vertices, intra, partitions, REFINED, rules::refine)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Row r = refined.agg(max("rounds")).first();
    int rounds = r.isNullAt(0) ? 0 : r.getInt(0);
    return new Refined(refined.select("id", "community", "oversized"), rounds);
  }

  static Rules rules(TribesConfig.Community community, TribesConfig.Lpa lpa) {
    return new Rules(community.minSize(), community.maxSize(), community.refineDepth(), lpa.maxIterations(),
        lpa.convergenceThreshold());
  }

  /** The refinement of one label's members, in memory (serializable: it travels to the tasks). */
  record Rules(int minSize, int maxSize, int depth, int maxIterations, double convergenceThreshold)
      implements java.io.Serializable {

    List<Row> refine(long label, Subgraph g) {
      int n = g.size();
      long[] all = new long[n];
      for (int i = 0; i < n; i++) all[i] = label;
      List<int[]> parts = parts(g.connectedParts(all), null);
      List<int[]> dense = new ArrayList<>();
      int rounds = 0;
      for (int round = 0; round < depth; round++) {
        List<int[]> over = new ArrayList<>();
        List<int[]> next = new ArrayList<>();
        for (int[] p : parts) (p.length > maxSize ? over : next).add(p);
        if (over.isEmpty()) break;
        rounds++;
        long[] overIndex = new long[n];
        java.util.Arrays.fill(overIndex, -1);
        for (int k = 0; k < over.size(); k++) {
          for (int i : over.get(k)) overIndex[i] = k;
        }
        java.util.SortedMap<Long, Subgraph> subgraphs = g.splitBy(overIndex); // one pass over the edges
        for (int k = 0; k < over.size(); k++) {
          int[] p = over.get(k);
          Subgraph sub = subgraphs.get((long) k);
          long[] split = sub.connectedParts(sub.labelPropagation(maxIterations, convergenceThreshold, maxSize).labels());
          List<int[]> pieces = parts(split, p);
          if (pieces.size() == 1) dense.add(p); // came back whole: genuinely dense
          else next.addAll(pieces);
        }
        parts = next;
      }
      parts.addAll(dense);
      List<Row> rows = new ArrayList<>(n);
      for (int[] p : parts) {
        long id = g.id(p[0]); // parts list their members in ascending index = id order
        Long assigned = p.length >= minSize ? id : null;
        for (int i : p) rows.add(RowFactory.create(g.id(i), assigned, p.length > maxSize, rounds));
      }
      return rows;
    }

    /** Groups indexes by part label; {@code members} maps a subgraph's indexes back (null = identity). */
    private static List<int[]> parts(long[] partLabels, int[] members) {
      Map<Long, List<Integer>> byLabel = new TreeMap<>();
      for (int i = 0; i < partLabels.length; i++) {
        byLabel.computeIfAbsent(partLabels[i], k -> new ArrayList<>()).add(members == null ? i : members[i]);
      }
      List<int[]> out = new ArrayList<>();
      for (List<Integer> l : byLabel.values()) out.add(l.stream().mapToInt(Integer::intValue).toArray());
      return out;
    }
  }
}
