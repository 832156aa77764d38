package io.tribes.segment;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.tribes.algo.LabelPropagation;
import io.tribes.config.TribesConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * Turns raw label propagation labels into communities that respect the size bounds.
 *
 * <ol>
 *   <li><b>Connected parts.</b> A label whose members are not connected by ties among themselves is
 *   split into its connected parts (labels can be disconnected, notably when seeded from yesterday's
 *   communities after a community broke apart). Each part is labelled by its smallest vertex id.</li>
 *   <li><b>Oversized.</b> A part above {@code community.max-size} is re-split by weighted label
 *   propagation on its own internal ties (soft-capped at max-size), then into connected parts again;
 *   up to {@code community.refine-depth} rounds. A part that comes back whole is genuinely dense: it
 *   is kept and flagged {@code oversized}, never cut arbitrarily.</li>
 *   <li><b>Small.</b> Parts below {@code community.min-size} leave their members unassigned.</li>
 * </ol>
 *
 * <p>Every step is deterministic (integer labels, smallest-id choices), so the result does not
 * depend on partitioning.
 */
public final class CommunityRefiner {
  private static final int MAX_COMPONENT_ROUNDS = 200;

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
    Dataset<Row> current = components(labels, edges);
    int rounds = 0;
    Dataset<Row> dense = null; // labels that came back whole from a refinement round
    for (int depth = 0; depth < community.refineDepth(); depth++) {
      Dataset<Row> sized = withSize(current);
      Dataset<Row> over = sized.filter(col("size").gt(community.maxSize()));
      if (dense != null) over = over.join(dense, new String[] {"label"}, "left_anti");
      over = truncate(over.select("id", "label"));
      if (over.isEmpty()) break;
      rounds++;
      Dataset<Row> inside = intraEdges(over, edges);
      LabelPropagation.Result sub = new LabelPropagation(over.select("id"), inside)
          .mode(LabelPropagation.Mode.WEIGHTED)
          .maxIterations(lpa.maxIterations())
          .convergenceThreshold(lpa.convergenceThreshold())
          .maxCommunitySize(community.maxSize())
          .checkpointInterval(spark.checkpointInterval())
          .reliableCheckpoint(spark.checkpointDir() != null)
          .run();
      Dataset<Row> parts = components(sub.labels(), inside);
      // A refined label that equals its parent's member set came back whole: dense, stop refining it.
      Dataset<Row> partSizes = parts.groupBy("label").agg(count(lit(1)).as("n"));
      Dataset<Row> parentSizes = over.groupBy(col("label").as("parent")).agg(count(lit(1)).as("pn"));
      Dataset<Row> whole = parts.join(over.select(col("id"), col("label").as("parent")), "id")
          .join(partSizes, "label").join(parentSizes, "parent")
          .filter(col("n").equalTo(col("pn"))).select("label").distinct();
      dense = dense == null ? whole : dense.union(whole);
      dense = truncate(dense);
      current = truncate(current.join(parts.withColumnRenamed("label", "refined"), new String[] {"id"}, "left_outer")
          .select(col("id"), coalesce(col("refined"), col("label")).as("label")));
    }
    Dataset<Row> sized = withSize(current);
    Dataset<Row> assignments = sized.select(col("id"),
            when(col("size").geq(community.minSize()), col("label")).as("community"),
            col("size").gt(community.maxSize()).as("oversized"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new Refined(assignments, rounds);
  }

  private static Dataset<Row> withSize(Dataset<Row> labels) {
    return labels.withColumn("size", count(lit(1)).over(Window.partitionBy("label")));
  }

  /** Both directions of the ties whose two ends share a label: src, dst, weight. */
  private static Dataset<Row> intraEdges(Dataset<Row> labels, Dataset<Row> edges) {
    Dataset<Row> s = labels.select(col("id").as("src"), col("label").as("ls"));
    Dataset<Row> d = labels.select(col("id").as("dst"), col("label").as("ld"));
    return edges.select("src", "dst", "weight").join(s, "src").join(d, "dst")
        .filter(col("ls").equalTo(col("ld")))
        .select("src", "dst", "weight");
  }

  /**
   * Splits every label into its connected parts over intra-label ties, each part labelled by its
   * smallest vertex id (min-label propagation; rounds = the largest part's diameter).
   */
  Dataset<Row> components(Dataset<Row> labels, Dataset<Row> edges) {
    Dataset<Row> intra = intraEdges(labels, edges).select("src", "dst");
    Dataset<Row> adjacency = truncate(intra.union(intra.select(col("dst").as("src"), col("src").as("dst"))).distinct());
    Dataset<Row> state = truncate(labels.select(col("id"), col("label"), col("id").as("comp")));
    for (int round = 0; round < MAX_COMPONENT_ROUNDS; round++) {
      Dataset<Row> best = adjacency.join(state.select(col("id").as("src"), col("comp").as("c")), "src")
          .groupBy(col("dst").as("id")).agg(min("c").as("m"));
      Dataset<Row> next = truncate(state.join(best, new String[] {"id"}, "left_outer")
          .select(col("id"), col("label"), least(col("comp"), coalesce(col("m"), col("comp"))).as("comp"),
              coalesce(col("m"), col("comp")).lt(col("comp")).as("changed")));
      boolean changed = !next.filter(col("changed")).isEmpty();
      state = next.drop("changed");
      if (!changed) break;
    }
    return state.select(col("id"), col("comp").as("label"));
  }

  private Dataset<Row> truncate(Dataset<Row> df) {
    return spark.checkpointDir() != null ? df.checkpoint(true) : df.localCheckpoint(true);
  }
}
