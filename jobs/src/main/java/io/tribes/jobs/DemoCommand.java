package io.tribes.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;

import io.tribes.config.ConfigLoader;
import io.tribes.config.TribesConfig;
import io.tribes.warehouse.RunManifest;
import io.tribes.warehouse.Warehouse;
import io.tribes.metrics.Recovery;
import io.tribes.pipeline.NightlyPipeline;
import io.tribes.sample.SampleGenerator;
import io.tribes.sample.SampleSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code demo}: the README's first command. Generates the sample if absent, runs the nightly job on
 * it with the embedded default config, and prints what was found and how well the planted
 * communities and ambassadors were recovered.
 */
final class DemoCommand {
  static final Set<String> OPTIONS = Set.of("members", "sample", "warehouse");

  private DemoCommand() {}

  static int run(Args args) {
    long members = args.getLong("members", 20_000, 100);
    String sample = args.get("sample", "data/sample");
    TribesConfig config = new ConfigLoader().defaults()
        .withInput(sample + "/interactions", sample + "/members")
        .withWarehouse(args.get("warehouse", "warehouse"))
        .withRunDate(SampleSpec.DEFAULT_END_DATE.toString());
    SparkSession spark = Spark.session("demo", config.spark());
    if (!Files.exists(Path.of(sample, "interactions"))) {
      System.out.printf(Locale.ROOT, "tribes: generating the sample (%,d members, 30 days) into %s%n", members, sample);
      new SampleGenerator(spark).generate(new SampleSpec(members, 30, 42, SampleSpec.DEFAULT_END_DATE), sample);
    }
    RunManifest manifest = new NightlyPipeline(spark, config).run(SampleSpec.DEFAULT_END_DATE);
    Warehouse.PublishedRun run = new Warehouse(spark, config.warehouse()).latest().orElseThrow();
    Recovery recovery = Recovery.of(spark.read().parquet(sample + "/truth"), run.memberSegments());
    print(System.out, manifest, run, recovery);
    return 0;
  }

  static void print(PrintStream out, RunManifest m, Warehouse.PublishedRun run, Recovery r) {
    var c = m.communities();
    out.println();
    out.printf(Locale.ROOT, "Tribes run %s%n", m.runDate());
    out.printf(Locale.ROOT, "  interactions read %,d, in window %,d; members in graph %,d (excluded: %s opted out, %s brand/bot, %s hubs)%n",
        m.inputs().get("interactions").rows(), m.graph().get("interactions_in_window"), m.graph().get("members"),
        m.graph().get("excluded_opted_out"), m.graph().get("excluded_brand_or_bot"), m.graph().get("excluded_hubs"));
    out.printf(Locale.ROOT, "  communities %,d; members assigned %,d, unassigned %,d; modularity %.3f%n",
        c.count(), c.membersAssigned(), c.membersUnassigned(), c.modularity());
    out.printf(Locale.ROOT, "  label propagation: %s iterations, converged %s; PageRank: %s iterations%n",
        m.lpa().get("iterations"), m.lpa().get("converged"), m.pagerank().get("iterations"));
    out.printf(Locale.ROOT, "  community sizes: %s%n", c.sizePercentiles());
    out.println("  size histogram:");
    List<Row> hist = run.communities()
        .selectExpr("case when size < 5 then '  3-4' when size < 10 then '  5-9' when size < 20 then '10-19' "
            + "when size < 30 then '20-29' when size < 40 then '30-39' else '40+  ' end as bucket")
        .groupBy("bucket").count().orderBy("bucket").collectAsList();
    long max = hist.stream().mapToLong(h -> h.getLong(1)).max().orElse(1);
    for (Row h : hist) {
      out.printf(Locale.ROOT, "    %s %6d %s%n", h.getString(0), h.getLong(1), "#".repeat((int) Math.max(1, 50 * h.getLong(1) / max)));
    }
    out.println("  five largest communities:");
    for (Row row : run.communities().orderBy(desc("size"), col("community_id")).limit(5).collectAsList()) {
      out.printf(Locale.ROOT, "    %s size %3d topics %s ambassadors %s%n", row.getAs("community_id"),
          (Integer) row.getAs("size"), row.getList(row.fieldIndex("top_topics")), row.getList(row.fieldIndex("ambassadors")));
    }
    out.printf(Locale.ROOT, "  recovery vs planted truth (%,d members): NMI %.3f, ambassador recall %.3f, precision %.3f%n",
        r.members(), r.nmi(), r.ambassadorRecall(), r.ambassadorPrecision());
    out.print("  stage seconds:");
    m.stages().forEach(s -> out.printf(Locale.ROOT, " %s %.1f", s.name(), s.seconds()));
    out.println();
  }
}
