package io.tribes.jobs;

import io.tribes.sample.SampleGenerator;
import io.tribes.sample.SampleGenerator.SampleSummary;
import io.tribes.sample.SampleSpec;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code generate-sample --out DIR [--members N] [--days D] [--seed S] [--end-date YYYY-MM-DD]
 * [--consecutive-days K] [--activity X]}: writes a deterministic synthetic sample (interactions, members, truth) as
 * Parquet under DIR; with {@code --consecutive-days K} a K-day churn sample instead
 * ({@code DIR/day=YYYY-MM-DD/...} and {@code DIR/events}, see {@link SampleGenerator#generateDays}).
 * Options are parsed by {@link Args} (so {@code --name=value} works too). Returns 0 on success, 2 on bad arguments
 * (one line on stderr naming the option); failures while writing propagate as exceptions.
 */
public final class GenerateSampleCommand {
  public static final String NAME = "generate-sample";
  public static final String USAGE = "usage: " + NAME
      + " --out DIR [--members N (default 20000)] [--days D (default 30)] [--seed S (default 42)]"
      + " [--end-date YYYY-MM-DD (exclusive, default " + SampleSpec.DEFAULT_END_DATE + ")]"
      + " [--consecutive-days K (churn sample: K daily snapshots)]"
      + " [--activity X (interaction rate multiplier, default 1)]";

  static final long DEFAULT_MEMBERS = 20_000;
  static final int DEFAULT_DAYS = 30;
  static final long DEFAULT_SEED = 42;

  private GenerateSampleCommand() {}

  public static int run(SparkSession spark, String[] args) {
    return run(spark, args, System.out, System.err);
  }

  static int run(SparkSession spark, String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args == null ? new String[0] : args);
    } catch (Args.Usage e) {
      err.println(e.getMessage());
      return 2;
    }
    if (options.help) {
      out.println(USAGE);
      return 0;
    }
    long started = System.nanoTime();
    if (options.consecutiveDays > 0) {
      SampleGenerator.DaysSummary d =
          new SampleGenerator(spark).generateDays(options.spec, options.consecutiveDays, options.out);
      for (int i = 0; i < d.days().size(); i++) {
        SampleSummary s = d.daily().get(i);
        out.printf(Locale.ROOT,
            "day=%s: members=%d communities=%d interactions=%d ambassadors=%d opted_out=%d hubs=%d%n",
            d.days().get(i), s.members(), s.communities(), s.interactions(), s.ambassadors(), s.optedOut(),
            s.hubs());
      }
      out.printf(Locale.ROOT, "churn sample written to %s: %d days, %d events (days=%d seed=%d end=%s, %.1f s)%n",
          options.out, d.days().size(), d.events(), options.spec.days(), options.spec.seed(),
          options.spec.endDate(), (System.nanoTime() - started) / 1e9);
      return 0;
    }
    SampleSummary s = new SampleGenerator(spark).generate(options.spec, options.out);
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(Locale.ROOT,
        "sample written to %s: members=%d communities=%d interactions=%d ambassadors=%d opted_out=%d hubs=%d"
            + " (days=%d seed=%d end=%s, %.1f s)%n",
        options.out, s.members(), s.communities(), s.interactions(), s.ambassadors(), s.optedOut(), s.hubs(),
        options.spec.days(), options.spec.seed(), options.spec.endDate(), seconds);
    return 0;
  }

  static final class Options {
    static final Set<String> NAMES = Set.of("members", "days", "seed", "out", "end-date", "consecutive-days",
        "activity");
    SampleSpec spec;
    String out;
    int consecutiveDays;
    boolean help;

    static Options parse(String[] args) {
      Args a = Args.parseOnce(NAME, args, NAMES, Set.of("help"));
      Options o = new Options();
      o.help = a.has("help");
      if (o.help) {
        return o;
      }
      long members = a.getLong("members", DEFAULT_MEMBERS, 100, SampleSpec.MAX_MEMBERS);
      int days = a.getInt("days", DEFAULT_DAYS, 1, SampleSpec.MAX_DAYS);
      long seed = a.getLong("seed", DEFAULT_SEED, Long.MIN_VALUE);
      LocalDate endDate = a.getDate("end-date", SampleSpec.DEFAULT_END_DATE);
      o.consecutiveDays = a.getInt("consecutive-days", 0, 1, SampleGenerator.MAX_CONSECUTIVE_DAYS);
      double activity = a.getDouble("activity", 1.0, 0, SampleSpec.MAX_ACTIVITY);
      o.out = a.require("out");
      if (o.out.isBlank()) {
        throw a.bad("out", "an output directory (local path, file://, s3a://...)");
      }
      o.spec = new SampleSpec(members, days, seed, endDate, activity);
      return o;
    }
  }
}
