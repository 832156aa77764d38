package io.tribes.warehouse;

import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;

import io.tribes.stages.SegmentTables;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opt-outs reach history: removes members (opted out in tonight's members table, or named by
 * {@code input.forget}) from every retained committed run: their {@code member_segments} rows and
 * their ids in {@code communities.ambassadors}. Each date that held one is republished whole through
 * {@link SegmentWriter#publish} (new {@code run_id=} directories, then the manifest as the commit, with
 * {@link RunManifest.Forgotten}); a date without any is not touched. Community metrics (size, density,
 * ranks, ...) stay as computed that night. Runs under the writer lock of the nightly run that calls it.
 */
public final class Forgetting {
  private static final Logger LOG = LoggerFactory.getLogger(Forgetting.class);

  private final Warehouse warehouse;
  private final SegmentWriter writer;

  public Forgetting(Warehouse warehouse, SegmentWriter writer) {
    this.warehouse = warehouse;
    this.writer = writer;
  }

  /**
   * Rewrites tonight's committed manifest (same run, same tables) to record what it removed from the
   * other retained runs; one atomic write, under the lock.
   */
  public RunManifest record(RunManifest tonight, Map<String, Long> perDate, WarehouseLock lock) {
    RunManifest m = tonight.withForgotInRetainedRuns(perDate);
    try {
      if (lock != null) lock.verify();
      warehouse.files().writeAtomically(warehouse.layout().manifestPath(LocalDate.parse(tonight.runDate())), ManifestJson.toJson(m));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return m;
  }

  /**
   * @param ids member_id STRING: the members to forget
   * @param tonight the run that calls this (its own run already excludes them; not rewritten)
   * @return members forgotten per rewritten date
   */
  public Map<String, Long> forget(Dataset<Row> ids, LocalDate tonight) {
    Map<String, Long> out = new LinkedHashMap<>();
    Dataset<Row> forget = ids.select(col("member_id").as("forget_id")).filter(col("forget_id").isNotNull()).distinct()
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // one Spark job finds, over every retained run at once, which of them hold a member to forget
      // (only member_id is read); an ambassador is always a member of its run, so this finds them too
      Map<LocalDate, Warehouse.PublishedRun> runs = new TreeMap<>();
      Dataset<Row> all = null;
      for (LocalDate date : warehouse.runDates()) {
        if (date.equals(tonight)) continue;
        Warehouse.PublishedRun run = warehouse.run(date).orElse(null);
        if (run == null) continue; // removed meanwhile (cannot happen under the lock)
        runs.put(date, run);
        Dataset<Row> ms = run.memberSegments().select(col("member_id"), lit(date.toString()).as("run_date_key"));
        all = all == null ? ms : all.unionByName(ms);
      }
      if (all == null) return out;
      Map<String, List<String>> hitsByDate = new TreeMap<>();
      for (Row r : all.join(forget, all.col("member_id").equalTo(forget.col("forget_id")), "left_semi")
          .groupBy("run_date_key").agg(collect_set("member_id")).collectAsList()) {
        hitsByDate.put(r.getString(0), r.getList(1));
      }
      for (Map.Entry<String, List<String>> e : hitsByDate.entrySet()) {
        LocalDate date = LocalDate.parse(e.getKey());
        Warehouse.PublishedRun run = runs.get(date);
        String[] gone = e.getValue().stream().sorted().toArray(String[]::new);
        Dataset<Row> ms = run.memberSegments();
        Dataset<Row> keptMembers = ms.join(forget, ms.col("member_id").equalTo(forget.col("forget_id")), "left_anti");
        Dataset<Row> keptCommunities = run.communities().withColumn("ambassadors", array_except(col("ambassadors"),
            array(java.util.Arrays.stream(gone).map(org.apache.spark.sql.functions::lit).toArray(Column[]::new))));
        RunManifest m = run.manifest();
        long before = m.forgotten() == null ? 0 : m.forgotten().members();
        RunManifest draft = m.rewritten(UUID.randomUUID().toString(), new RunManifest.Forgotten(before + gone.length,
            gone.length, Instant.now().toString(), tonight.toString()));
        writer.publish(new SegmentTables(keptMembers, keptCommunities, run.communityEvents(),
            m.communities() == null ? 0 : m.communities().modularity(),
            m.communities() == null ? 0 : m.communities().coverage()), draft);
        out.put(date.toString(), (long) gone.length);
        LOG.info("forgot {} members in the run of {} (now run id {})", gone.length, date, draft.runId());
      }
    } finally {
      forget.unpersist();
    }
    return out;
  }
}
