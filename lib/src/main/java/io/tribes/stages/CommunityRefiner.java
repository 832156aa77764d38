package io.tribes.stages;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.tribes.algo.CommunityMerge;

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
 *   <li><b>Oversized.</b> A part above {@code community.max-size} is kept whole only when it is dense:
 *   its tie density (distinct ties among its members over n(n-1)/2) is at least
 *   {@code community.dense-density}; it is then flagged {@code oversized}. A sparser part is re-split by
 *   weighted label propagation on its own internal ties at the resolution {@code lpa.resolution x 2^round}
 *   (capped at 1: a member then stays only with a label it is tied to nearly all of), then into connected
 *   parts again; up to {@code community.refine-depth} rounds. Each round doubles the density a community
 *   must have to hold together, so a sparse group breaks into its denser cores and never into arbitrary
 *   cuts: every part is a connected set of members that label propagation put together. A part still
 *   sparse and oversized after the last round is kept and flagged (the quality benchmark reports them).
 *   With {@code lpa.resolution} 0 (plain propagation) the part is re-split soft-capped at max-size
 *   instead, and one that comes back whole is kept and flagged.</li>
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

  public CommunityRefiner(TribesConfig.Community community, TribesConfig.Lpa lpa) {
    this.community = community;
    this.lpa = lpa;
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
    Dataset<Row> parts = refined.select(col("id"), col("community").as("label"));
    Dataset<Row> merged = rules.mergeResolution() > 0
        ? CommunityMerge.run(parts, edges.select("src", "dst", "weight"), rules.mergeResolution(), rules.maxSize(),
            Rules.MERGE_ROUNDS, partitions)
        : parts;
    Dataset<Row> sizes = merged.groupBy("label").agg(count(lit(1)).as("size"));
    Dataset<Row> assignments = merged.join(sizes, "label").join(refined.select("id", "oversized"), "id")
        .select(col("id"), when(col("size").geq(rules.minSize()), col("label")).as("community"), col("oversized"));
    return new Refined(assignments, rounds);
  }

  static Rules rules(TribesConfig.Community community, TribesConfig.Lpa lpa) {
    return new Rules(community.minSize(), community.maxSize(), community.refineDepth(), lpa.maxIterations(),
        lpa.convergenceThreshold(), lpa.resolution(), community.denseDensity(), community.mergeResolution());
  }

  /** The refinement of one label's members, in memory (serializable: it travels to the tasks). */
  record Rules(int minSize, int maxSize, int depth, int maxIterations, double convergenceThreshold,
      double resolution, double denseDensity, double mergeResolution) implements java.io.Serializable {
    /** Merge rounds at most (each a few Spark jobs distributed; LFR and the sample need 2 to 4). */
    static final int MERGE_ROUNDS = 5;

    /**
     * The refined parts of one label: rows (id, part, oversized, rounds), where part is the smallest member id
     * of the member's connected part, whatever its size (min-size applies after {@link CommunityMerge}).
     */

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
        for (int[] p : parts) (p.length > maxSize && !dense(g, p) ? over : next).add(p);
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
          if (resolution > 0) {
            double r = Math.min(1.0, resolution * Math.pow(2, round + 1));
            long[] split = sub.connectedParts(sub.labelPropagation(sub.ids(), maxIterations, convergenceThreshold, 0,
                r).labels());
            next.addAll(parts(split, p)); // whole again: the next round's higher resolution tries again
            continue;
          }
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
        for (int i : p) rows.add(RowFactory.create(g.id(i), id, p.length > maxSize, rounds));
      }
      return rows;
    }

    /**
     * The whole graph's communities in memory, exactly as {@link CommunityRefiner#refine} computes them
     * distributed: {@code refined} (the {@link #refine} rows of every label) merged by
     * {@link Subgraph#mergeCommunities}, then min-size. Rows (id, community or null, oversized, rounds).
     */
    List<Row> finish(Subgraph g, List<Row> refined) {
      long[] ids = g.ids();
      long[] parts = new long[ids.length];
      boolean[] oversized = new boolean[ids.length];
      int rounds = 0;
      for (Row r : refined) {
        int i = java.util.Arrays.binarySearch(ids, r.getLong(0));
        parts[i] = r.getLong(1);
        oversized[i] = r.getBoolean(2);
        rounds = Math.max(rounds, r.getInt(3));
      }
      long[] merged = mergeResolution > 0 ? g.mergeCommunities(parts, mergeResolution, maxSize, MERGE_ROUNDS) : parts;
      Map<Long, Integer> sizes = new java.util.HashMap<>();
      for (long l : merged) sizes.merge(l, 1, Integer::sum);
      List<Row> rows = new ArrayList<>(ids.length);
      for (int i = 0; i < ids.length; i++) {
        Long community = sizes.get(merged[i]) >= minSize ? merged[i] : null;
        rows.add(RowFactory.create(ids[i], community, oversized[i], rounds));
      }
      return rows;
    }

    /** Whether the part (ascending vertex indexes of g) is dense enough to stay whole above max-size. */
    private boolean dense(Subgraph g, int[] part) {
      return resolution > 0 && density(g, part) >= denseDensity;
    }

    /** Distinct ties among the part's members over n(n-1)/2. */
    static double density(Subgraph g, int[] part) {
      long n = part.length;
      return n < 2 ? 0.0 : g.induced(part).tieCount() / (n * (n - 1) / 2.0);
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
