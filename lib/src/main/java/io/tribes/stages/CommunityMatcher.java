package io.tribes.stages;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.transform;

import io.tribes.config.TribesConfig;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Gives communities ids that stay stable night after night, and names what happened to each.
 *
 * <p><b>Matching.</b> Each community is matched to the previous published run's communities by
 * member overlap: candidate pairs need Jaccard similarity at least {@code lifecycle.match-jaccard};
 * pairs are taken greedily by overlap (then Jaccard, then ids), each community at most once — a
 * one-to-one matching that keeps the largest overlaps (exact when the threshold is above 0.5, where
 * each community has at most one candidate). A matched community keeps its previous id.
 *
 * <p><b>New ids</b> are {@code c} + 16 hex digits of SHA-256 over the sorted member ids and the run
 * date: a function of content and date only (not of partitioning or run order), and never a retired
 * id, since an id is born on one date only.
 *
 * <p><b>Events</b> (table {@code community_events}), with a part being a community holding at least
 * {@code lifecycle.event-share} of another's members, and at least {@code lifecycle.event-min-members} of them:
 * {@code merged} — a community holding parts of two or more previous communities; {@code split} —
 * each of two or more current parts of one previous community; otherwise a matched community
 * {@code grew} or {@code shrank} when its size changed by at least {@code lifecycle.size-change},
 * else {@code continued}; an unmatched one is {@code born}; a previous community neither matched nor
 * part of a split or merge {@code dissolved}. Retention is the share of a matched community's
 * previous members still in it.
 */
public final class CommunityMatcher {
  public static final StructType EVENTS = new StructType()
      .add("run_date", DataTypes.DateType, false)
      .add("community_id", DataTypes.StringType, false)
      .add("event", DataTypes.StringType, false)
      .add("related_ids", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("overlap", DataTypes.DoubleType, true)
      .add("size", DataTypes.IntegerType, true)
      .add("previous_size", DataTypes.IntegerType, true)
      .add("retention", DataTypes.DoubleType, true);
  private static final StructType IDS = new StructType()
      .add("community", DataTypes.LongType, false)
      .add("community_id", DataTypes.StringType, false);

  private final TribesConfig.Lifecycle config;

  public CommunityMatcher(TribesConfig.Lifecycle config) {
    this.config = config;
  }

  /**
   * @param ids community LONG (this run's label) -> community_id STRING
   * @param events rows of {@link #EVENTS}
   * @param matched communities that kept their previous id
   */
  public record Matching(Dataset<Row> ids, Dataset<Row> events, long matched, long born, long dissolved) {}

  /**
   * An unambiguous encoding of a sorted member list for the content id: each id length-prefixed
   * ({@code <length>:<id>}), so no two different lists give the same string, whatever characters ids
   * hold (a plain comma join made {@code ["a,b","c"]} and {@code ["a","b,c"]} equal). Ids published
   * with the older encoding stay valid: matching goes by members, never by recomputing an id.
   */
  static Column contentKey(Column sortedIds) {
    return transform(sortedIds, id -> concat(length(id).cast(DataTypes.StringType), lit(":"), id));
  }

  /**
   * @param current member_id, community LONG for this run's assigned members
   * @param previous member_id, community_id for the previous run's assigned members; null if none
   */
  public Matching match(Dataset<Row> current, Dataset<Row> previous, LocalDate runDate) {
    SparkSession spark = current.sparkSession();
    Dataset<Row> content = current.groupBy("community")
        .agg(count(lit(1)).as("size"), array_sort(collect_list("member_id")).as("ms"))
        .select(col("community"), col("size"),
            concat(lit("c"), substring(sha2(concat(concat_ws("", contentKey(col("ms"))), lit("|" + runDate)), 256), 1, 16))
                .as("new_id"));
    Map<Long, Long> size = new HashMap<>();
    Map<Long, String> newId = new HashMap<>();
    for (Row r : content.collectAsList()) {
      size.put(r.getLong(0), r.getLong(1));
      newId.put(r.getLong(0), r.getString(2));
    }
    Map<String, Long> prevSize = new TreeMap<>();
    List<Overlap> overlaps = new ArrayList<>();
    if (previous != null) {
      for (Row r : previous.groupBy("community_id").count().collectAsList()) prevSize.put(r.getString(0), r.getLong(1));
      for (Row r : current.join(previous, "member_id").groupBy("community", "community_id").count().collectAsList()) {
        long c = r.getLong(0);
        String p = r.getString(1);
        long inter = r.getLong(2);
        overlaps.add(new Overlap(c, p, inter, (double) inter / (size.get(c) + prevSize.get(p) - inter)));
      }
    }

    // One-to-one matching, largest overlaps first; ties broken by ids so the result is deterministic.
    overlaps.sort(Comparator.comparingLong(Overlap::inter).reversed()
        .thenComparing(Comparator.comparingDouble(Overlap::jaccard).reversed())
        .thenComparingLong(Overlap::current).thenComparing(Overlap::previous));
    Map<Long, Overlap> matchOf = new HashMap<>();
    Set<String> taken = new HashSet<>();
    for (Overlap o : overlaps) {
      if (o.jaccard() >= config.matchJaccard() && !matchOf.containsKey(o.current()) && !taken.contains(o.previous())) {
        matchOf.put(o.current(), o);
        taken.add(o.previous());
      }
    }

    // Parts: a current community holding at least event-share of a previous community's members, and
    // at least event-min-members of them (a member or two moving on is churn, not a split or merge).
    Map<String, TreeSet<Long>> partsOfPrevious = new TreeMap<>();
    Map<Long, TreeSet<String>> sourcesOfCurrent = new TreeMap<>();
    for (Overlap o : overlaps) {
      if ((double) o.inter() / prevSize.get(o.previous()) >= config.eventShare()
          && o.inter() >= config.eventMinMembers()) {
        partsOfPrevious.computeIfAbsent(o.previous(), k -> new TreeSet<>()).add(o.current());
        sourcesOfCurrent.computeIfAbsent(o.current(), k -> new TreeSet<>()).add(o.previous());
      }
    }
    Map<Long, String> splitFrom = new HashMap<>();
    partsOfPrevious.forEach((p, parts) -> {
      if (parts.size() >= 2) parts.forEach(c -> splitFrom.putIfAbsent(c, p));
    });

    Date date = Date.valueOf(runDate);
    List<Row> idRows = new ArrayList<>();
    List<Row> events = new ArrayList<>();
    Set<String> accountedPrevious = new HashSet<>();
    for (Long c : new TreeSet<>(size.keySet())) {
      Overlap m = matchOf.get(c);
      String id = m != null ? m.previous() : newId.get(c);
      idRows.add(RowFactory.create(c, id));
      int n = size.get(c).intValue();
      Set<String> sources = sourcesOfCurrent.getOrDefault(c, new TreeSet<>());
      Integer prevN = m == null ? null : prevSize.get(m.previous()).intValue();
      Double jaccard = m == null ? null : round(m.jaccard());
      Double retention = m == null ? null : round((double) m.inter() / prevSize.get(m.previous()));
      String event;
      List<String> related;
      if (sources.size() >= 2) {
        event = "merged";
        related = List.copyOf(sources);
        accountedPrevious.addAll(sources);
      } else if (splitFrom.containsKey(c)) {
        event = "split";
        related = List.of(splitFrom.get(c));
        accountedPrevious.add(splitFrom.get(c));
      } else if (m != null) {
        double change = (double) (n - prevN) / prevN;
        event = change >= config.sizeChange() ? "grew" : change <= -config.sizeChange() ? "shrank" : "continued";
        related = List.of(m.previous());
      } else {
        event = "born";
        related = List.of();
      }
      if (m != null) accountedPrevious.add(m.previous());
      if (jaccard == null && !related.isEmpty()) {
        jaccard = overlaps.stream().filter(o -> o.current() == c && related.contains(o.previous()))
            .mapToDouble(Overlap::jaccard).max().stream().boxed().map(CommunityMatcher::round).findFirst().orElse(null);
      }
      events.add(RowFactory.create(date, id, event, related, jaccard, n, prevN, retention));
    }
    long dissolved = 0;
    for (var p : prevSize.entrySet()) {
      if (!accountedPrevious.contains(p.getKey())) {
        dissolved++;
        events.add(RowFactory.create(date, p.getKey(), "dissolved", List.of(), null, null, p.getValue().intValue(), 0.0));
      }
    }
    return new Matching(spark.createDataFrame(idRows, IDS), spark.createDataFrame(events, EVENTS),
        matchOf.size(), size.size() - matchOf.size(), dissolved);
  }

  private static double round(double v) {
    return Math.round(v * 1e9) / 1e9;
  }

  private record Overlap(long current, String previous, long inter, double jaccard) {}
}
