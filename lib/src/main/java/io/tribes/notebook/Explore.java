package io.tribes.notebook;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tribes.warehouse.RunManifest;
import io.tribes.warehouse.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Small, notebook-sized answers about a warehouse, for the exploration notebooks ({@code notebooks/}).
 * Everything heavy (joins over member segments, re-reading interactions) runs in Spark; every method
 * returns a JSON array of row objects (or one object) that Python turns into a pandas DataFrame.
 * Only committed runs (those with a manifest) are read, as {@link Warehouse} does.
 *
 * <p>The member graph's edges are not in the segment tables: {@link #edges} and {@link #neighbours}
 * recompute them from the interactions path recorded in the run's manifest, with the run's own window
 * and type weights (the manifest's effective config) and the graph build's rule ({@link RunInteractions}), so
 * they match what the run saw. The session factory is {@link NotebookSession}; the overlap-derived events of
 * {@link #compare} are {@link OverlapEvents}.
 */
public final class Explore {
  /** Name of the lead's community lineage table ({@code community_events/run_date=YYYY-MM-DD/}). */
  public static final String COMMUNITY_EVENTS = "community_events";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final Warehouse warehouse;
  // a notebook asks many questions of the same few runs: their (small) tables are read and cached once
  private final Map<String, Warehouse.PublishedRun> runs = new HashMap<>();
  private final Map<String, Dataset<Row>> interactions = new HashMap<>();

  public Explore(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.warehouse = new Warehouse(spark, warehouse);
  }

  /**
   * A local SparkSession for a notebook ({@link NotebookSession}). {@code extra} (may be empty) adds or overrides
   * settings, e.g. {@code spark.hadoop.fs.s3a.*}.
   */
  public static SparkSession localSession(Map<String, String> extra) {
    return NotebookSession.local(extra);
  }

  /** Dates of the committed runs, oldest first, as strings. */
  public List<String> runDates() {
    List<String> out = new ArrayList<>();
    for (LocalDate d : warehouse.runDates()) out.add(d.toString());
    return out;
  }

  /** The run {@code _latest} points to, else the newest committed run; null when there is none. */
  public String latestRunDate() {
    String latest = warehouse.latestRunDate().orElse(null);
    if (latest != null && warehouse.manifest(LocalDate.parse(latest)).isPresent()) return latest;
    List<String> dates = runDates();
    return dates.isEmpty() ? null : dates.get(dates.size() - 1);
  }

  /** The run's manifest as JSON. */
  public String manifest(String date) {
    return toJson(manifestOf(date));
  }

  /** The communities table of a run, largest first (ties by id). */
  public String communities(String date) {
    return json(communitiesOf(date).orderBy(desc("size"), col("community_id")));
  }

  /** Members per role: role, members. */
  public String roleCounts(String date) {
    return json(segmentsOf(date).groupBy("role").agg(count(lit(1)).as("members")).orderBy(desc("members")));
  }

  /** The id of the largest community of a run (ties: smallest id), or null. */
  public String largestCommunity(String date) {
    List<Row> r = communitiesOf(date).orderBy(desc("size"), col("community_id")).select("community_id").limit(1)
        .collectAsList();
    return r.isEmpty() ? null : r.get(0).getString(0);
  }

  /** A community's row of the communities table, or {@code null}. */
  public String community(String date, String communityId) {
    List<String> rows = communitiesOf(date).filter(col("community_id").equalTo(communityId)).toJSON().collectAsList();
    return rows.isEmpty() ? "null" : rows.get(0);
  }

  /** A community's members by rank: member_id, role, rank_in_community, community_score, influence, interactions. */
  public String members(String date, String communityId) {
    return json(segmentsOf(date).filter(col("community_id").equalTo(communityId))
        .select("member_id", "role", "rank_in_community", "community_score", "influence", "interactions")
        .orderBy("rank_in_community", "member_id"));
  }

  /**
   * The ties inside a community, recomputed from the run's interactions: one row per unordered pair
   * {@code a < b} with {@code weight} (both directions, the run's type weights and decay),
   * {@code interactions} and {@code kept} (weight at least {@code graph.min-tie-strength}, i.e. the tie
   * was in the graph label propagation saw).
   */
  public String edges(String date, String communityId) {
    RunManifest m = manifestOf(date);
    Dataset<Row> ids = segmentsOf(date).filter(col("community_id").equalTo(communityId)).select("member_id");
    Dataset<Row> in = touching(date, communityId)
        .join(ids.withColumnRenamed("member_id", "src"), "src")
        .join(ids.withColumnRenamed("member_id", "dst"), "dst");
    double minTie = RunInteractions.minTieStrength(m);
    return json(in.groupBy(least(col("src"), col("dst")).as("a"), greatest(col("src"), col("dst")).as("b"))
        .agg(sum("w").as("weight"), count(lit(1)).as("interactions"))
        .withColumn("kept", col("weight").geq(minTie))
        .orderBy(desc("weight"), col("a"), col("b")));
  }

  /** Topics of a community's internal interactions: topic, interactions (most frequent first). */
  public String topics(String date, String communityId) {
    Dataset<Row> ids = segmentsOf(date).filter(col("community_id").equalTo(communityId)).select("member_id");
    return json(touching(date, communityId)
        .join(ids.withColumnRenamed("member_id", "src"), "src")
        .join(ids.withColumnRenamed("member_id", "dst"), "dst")
        .filter(col("topic").isNotNull())
        .groupBy("topic").agg(count(lit(1)).as("interactions"), sum("w").as("weight"))
        .orderBy(desc("interactions"), col("topic")));
  }

  /**
   * A community's external links to other members of the run's graph, per other community:
   * community_id (null = unassigned members), weight, interactions, partners (distinct outside members),
   * members (distinct inside members with such a link), size (of the other community). Accounts
   * outside the graph (opted out, brands, bots, hubs) are not counted.
   */
  public String neighbours(String date, String communityId) {
    Dataset<Row> seg = segmentsOf(date).select("member_id", "community_id");
    Dataset<Row> inside = seg.filter(col("community_id").equalTo(communityId)).select(col("member_id").as("inside"));
    Dataset<Row> w = touching(date, communityId);
    Dataset<Row> out = w.join(inside, col("src").equalTo(col("inside"))).select(col("inside"), col("dst").as("other"), col("w"))
        .union(w.join(inside, col("dst").equalTo(col("inside"))).select(col("inside"), col("src").as("other"), col("w")));
    Dataset<Row> other = out.join(inside.withColumnRenamed("inside", "other"), "other", "left_anti")
        .join(seg.withColumnRenamed("member_id", "other"), "other");
    Dataset<Row> sizes = communitiesOf(date).select("community_id", "size");
    return json(other.groupBy("community_id")
        .agg(sum("w").as("weight"), count(lit(1)).as("interactions"), countDistinct("other").as("partners"),
            countDistinct("inside").as("members"))
        .join(sizes, new String[] {"community_id"}, "left")
        .orderBy(desc("weight"), col("community_id")));
  }

  /**
   * Per committed run: run_date, communities, members (in the graph), assigned, and community size
   * statistics (mean_size, median_size, max_size) from the tables.
   */
  public String runSizes() {
    List<ObjectNode> rows = new ArrayList<>();
    for (String d : runDates()) {
      Row c = communitiesOf(d).agg(count(lit(1)), org.apache.spark.sql.functions.avg("size"),
          org.apache.spark.sql.functions.percentile_approx(col("size"), lit(0.5), lit(10000)),
          org.apache.spark.sql.functions.max("size")).first();
      Row s = segmentsOf(d).agg(count(lit(1)), count(col("community_id"))).first();
      ObjectNode o = JSON.createObjectNode();
      o.put("run_date", d);
      o.put("communities", c.getLong(0));
      o.put("members", s.getLong(0));
      o.put("assigned", s.getLong(1));
      if (!c.isNullAt(1)) {
        o.put("mean_size", c.getDouble(1));
        o.put("median_size", ((Number) c.get(2)).doubleValue());
        o.put("max_size", ((Number) c.get(3)).longValue());
      }
      rows.add(o);
    }
    return toJson(rows);
  }

  /**
   * Member overlap of the communities of two runs: community_a, size_a, community_b, size_b, overlap
   * (members in both), only pairs that share members.
   */
  public String overlap(String dateA, String dateB) {
    return json(overlapOf(dateA, dateB));
  }

  /**
   * Retention between each pair of consecutive runs: from, to, members_from, members_to, retained
   * (members in the graph both times), retained_share, assigned_from, kept_together (members still with
   * the largest part of their community), kept_together_share.
   */
  public String retention() {
    List<String> dates = runDates();
    List<ObjectNode> rows = new ArrayList<>();
    for (int i = 1; i < dates.size(); i++) {
      String a = dates.get(i - 1);
      String b = dates.get(i);
      Dataset<Row> ma = segmentsOf(a).select("member_id");
      Dataset<Row> mb = segmentsOf(b).select("member_id");
      long membersA = ma.count();
      long membersB = mb.count();
      long retained = ma.join(mb, "member_id").count();
      long assignedA = segmentsOf(a).filter(col("community_id").isNotNull()).count();
      Row kept = overlapOf(a, b).groupBy("community_a").agg(org.apache.spark.sql.functions.max("overlap").as("m"))
          .agg(sum("m")).first();
      long together = kept.isNullAt(0) ? 0 : kept.getLong(0);
      ObjectNode o = JSON.createObjectNode();
      o.put("from", a);
      o.put("to", b);
      o.put("members_from", membersA);
      o.put("members_to", membersB);
      o.put("retained", retained);
      o.put("retained_share", membersA == 0 ? 0 : (double) retained / membersA);
      o.put("assigned_from", assignedA);
      o.put("kept_together", together);
      o.put("kept_together_share", assignedA == 0 ? 0 : (double) together / assignedA);
      rows.add(o);
    }
    return toJson(rows);
  }

  /**
   * Community events between two runs, derived from member overlap, in the columns of the
   * {@code community_events} table: run_date (= dateB), community_id, event, related_ids, overlap.
   * Community a (of dateA) links to b (of dateB) when most of a went to b or most of b came from a
   * (overlap above half of either size). Then: a without links is {@code dissolved} (community_id = a);
   * b without links is {@code born}; a with several links {@code split} (community_id = a, related =
   * the parts); b with several links {@code merged} (community_id = b, related = the parts); a single
   * link is {@code unchanged} (same id, i.e. same members) or {@code continued} (related = [a]).
   * {@code overlap} is the Jaccard index of the two member sets for a single link, and for split and
   * merged the share of the single side's members found in the related communities; 0 for born and
   * dissolved.
   */
  public String compare(String dateA, String dateB) {
    return toJson(compareRows(dateA, dateB));
  }

  List<ObjectNode> compareRows(String dateA, String dateB) {
    return OverlapEvents.of(dateB, sizes(dateA), sizes(dateB), overlapOf(dateA, dateB).collectAsList());
  }

  /** Whether the warehouse has a {@code community_events} table. */
  public boolean hasEvents() {
    try {
      Path p = new Path(warehouse.root(), COMMUNITY_EVENTS);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code community_events} rows of the committed runs (empty when the table is absent). */
  public String events() {
    List<Dataset<Row>> parts = new ArrayList<>();
    if (hasEvents()) {
      for (String d : runDates()) {
        // through the run's manifest: the committed run_id directory of the date
        Dataset<Row> t = runOf(d).communityEvents();
        if (!t.isEmpty()) parts.add(withRunDate(t, d));
      }
    }
    if (parts.isEmpty()) return "[]";
    Dataset<Row> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) all = all.unionByName(parts.get(i), true);
    return json(all.orderBy("run_date", "community_id"));
  }

  /**
   * Where the members of one community (of {@code date}) are in every committed run: member_id,
   * run_date, community_id (null = unassigned), role; a run without a row for a member did not have
   * the member in its graph.
   */
  public String trace(String date, String communityId) {
    List<Row> ids = segmentsOf(date).filter(col("community_id").equalTo(communityId)).select("member_id")
        .collectAsList();
    List<String> members = new ArrayList<>();
    for (Row r : ids) members.add(r.getString(0));
    Dataset<Row> all = null;
    for (String d : runDates()) {
      Dataset<Row> t = segmentsOf(d).filter(col("member_id").isin(members.toArray()))
          .select(lit(d).as("run_date"), col("member_id"), col("community_id"), col("role"));
      all = all == null ? t : all.union(t);
    }
    return all == null ? "[]" : json(all.orderBy("member_id", "run_date"));
  }

  // ---------------------------------------------------------------------------------------------

  /** A Dataset as a JSON array of its rows (for small results only: it is collected to the driver). */
  public static String json(Dataset<Row> rows) {
    return "[" + String.join(",", rows.toJSON().collectAsList()) + "]";
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private RunManifest manifestOf(String date) {
    return runOf(date).manifest();
  }

  private Warehouse.PublishedRun runOf(String date) {
    return runs.computeIfAbsent(date, d -> {
      Warehouse.PublishedRun r = warehouse.run(LocalDate.parse(d))
          .orElseThrow(() -> new IllegalArgumentException("no committed run " + d + " in " + warehouse.root()));
      return new Warehouse.PublishedRun(r.manifest(), r.memberSegments().cache(), r.communities().cache(),
          r.communityEvents());
    });
  }

  /** Forgets the cached tables (after new runs were published to the warehouse). */
  public void refresh() {
    runs.values().forEach(r -> {
      r.memberSegments().unpersist();
      r.communities().unpersist();
    });
    runs.clear();
    interactions.values().forEach(Dataset::unpersist);
    interactions.clear();
  }

  private Dataset<Row> segmentsOf(String date) {
    return runOf(date).memberSegments();
  }

  private Dataset<Row> communitiesOf(String date) {
    return runOf(date).communities();
  }

  private static Dataset<Row> withRunDate(Dataset<Row> t, String date) {
    return List.of(t.columns()).contains("run_date") ? t : t.withColumn("run_date", lit(date).cast(DataTypes.DateType));
  }

  private Map<String, Long> sizes(String date) {
    Map<String, Long> out = new HashMap<>();
    for (Row r : communitiesOf(date).select("community_id", "size").collectAsList()) {
      out.put(r.getString(0), ((Number) r.get(1)).longValue());
    }
    return out;
  }

  private Dataset<Row> overlapOf(String dateA, String dateB) {
    Dataset<Row> a = segmentsOf(dateA).filter(col("community_id").isNotNull())
        .select(col("member_id"), col("community_id").as("community_a"));
    Dataset<Row> b = segmentsOf(dateB).filter(col("community_id").isNotNull())
        .select(col("member_id"), col("community_id").as("community_b"));
    Dataset<Row> sa = communitiesOf(dateA).select(col("community_id").as("community_a"), col("size").cast("long").as("size_a"));
    Dataset<Row> sb = communitiesOf(dateB).select(col("community_id").as("community_b"), col("size").cast("long").as("size_b"));
    return a.join(b, "member_id").groupBy("community_a", "community_b").agg(count(lit(1)).as("overlap"))
        .join(sa, "community_a").join(sb, "community_b")
        .select("community_a", "size_a", "community_b", "size_b", "overlap")
        .orderBy(col("community_a"), desc("overlap"), col("community_b"));
  }

  /**
   * The run's weighted interactions with at least one end in the community (src, dst, w, topic):
   * one scan of the input per community, cached (small) for edges, topics and neighbours.
   */
  private Dataset<Row> touching(String date, String communityId) {
    return interactions.computeIfAbsent(date + "|" + communityId, k -> {
      Dataset<Row> ids = segmentsOf(date).filter(col("community_id").equalTo(communityId)).select("member_id");
      List<String> members = new ArrayList<>();
      for (Row r : ids.collectAsList()) members.add(r.getString(0));
      Object[] in = members.toArray();
      return RunInteractions.weighted(spark, date, manifestOf(date)).filter(col("src").isin(in).or(col("dst").isin(in))).cache();
    });
  }
}
