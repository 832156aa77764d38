package io.tribes.jobs;

import io.tribes.sample.SampleGenerator;
import io.tribes.sample.SampleGenerator.SampleSummary;
import io.tribes.sample.SampleSpec;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code generate-sample --out DIR [--members N] [--days D] [--seed S] [--end-date YYYY-MM-DD]
 * [--consecutive-days K] [--activity X]}: writes a deterministic synthetic sample (interactions, members, truth) as
 * Parquet under DIR; with {@code --consecutive-days K} a K-day churn sample instead
 * ({@code DIR/day=YYYY-MM-DD/...} and {@code DIR/events}, see {@link SampleGenerator#generateDays}).
 * Options also accept the {@code --name=value} form. Returns 0 on success, 2 on bad arguments
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
    } catch (BadArgument e) {
      err.println(NAME + ": " + e.getMessage());
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

  static final class BadArgument extends Exception {
    private static final long serialVersionUID = 1L;

    BadArgument(String message) {
      super(message);
    }
  }

  static final class Options {
    SampleSpec spec;
    String out;
    int consecutiveDays;
    boolean help;

    static Options parse(String[] args) throws BadArgument {
      long members = DEFAULT_MEMBERS;
      int days = DEFAULT_DAYS;
      long seed = DEFAULT_SEED;
      LocalDate endDate = SampleSpec.DEFAULT_END_DATE;
      String out = null;
      int consecutive = 0;
      double activity = 1.0;
      Options o = new Options();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("-h") || arg.equals("--help")) {
          o.help = true;
          return o;
        }
        if (!arg.startsWith("--")) {
          throw new BadArgument("unexpected argument '" + arg + "' (" + USAGE + ")");
        }
        String name = arg;
        String value = null;
        int eq = arg.indexOf('=');
        if (eq > 0) {
          name = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        }
        if (!Set.of("--members", "--days", "--seed", "--out", "--end-date", "--consecutive-days", "--activity")
            .contains(name)) {
          throw new BadArgument("unknown option " + name
              + " (expected --members, --days, --seed, --out, --end-date, --consecutive-days or --activity)");
        }
        if (!seen.add(name)) {
          throw new BadArgument(name + " given more than once");
        }
        if (value == null) {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new BadArgument(name + " expects " + expected(name) + ", got nothing");
          }
          value = args[++i];
        }
        switch (name) {
          case "--members" -> {
            members = parseLong(name, value);
            if (members < 100 || members > SampleSpec.MAX_MEMBERS) {
              throw bad(name, value);
            }
          }
          case "--days" -> {
            long d = parseLong(name, value);
            if (d < 1 || d > SampleSpec.MAX_DAYS) {
              throw bad(name, value);
            }
            days = (int) d;
          }
          case "--seed" -> seed = parseLong(name, value);
          case "--out" -> {
            if (value.isBlank()) {
              throw bad(name, value);
            }
            out = value;
          }
          case "--end-date" -> {
            try {
              endDate = LocalDate.parse(value);
            } catch (DateTimeParseException e) {
              throw bad(name, value);
            }
          }
          case "--consecutive-days" -> {
            long k = parseLong(name, value);
            if (k < 1 || k > SampleGenerator.MAX_CONSECUTIVE_DAYS) {
              throw bad(name, value);
            }
            consecutive = (int) k;
          }
          case "--activity" -> {
            try {
              activity = Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
              throw bad(name, value);
            }
            if (!(activity > 0 && activity <= SampleSpec.MAX_ACTIVITY)) {
              throw bad(name, value);
            }
          }
          default -> throw new IllegalStateException(name);
        }
      }
      if (out == null) {
        throw new BadArgument("missing --out: expected " + expected("--out"));
      }
      o.out = out;
      o.consecutiveDays = consecutive;
      o.spec = new SampleSpec(members, days, seed, endDate, activity);
      return o;
    }

    static String expected(String name) {
      return switch (name) {
        case "--members" -> "a whole number of members from 100 to " + SampleSpec.MAX_MEMBERS;
        case "--days" -> "a whole number of days from 1 to " + SampleSpec.MAX_DAYS;
        case "--seed" -> "a whole number (64-bit)";
        case "--out" -> "an output directory (local path, file://, s3a://...)";
        case "--end-date" -> "an exclusive end date as YYYY-MM-DD";
        case "--consecutive-days" -> "a whole number of daily snapshots from 1 to "
            + SampleGenerator.MAX_CONSECUTIVE_DAYS;
        case "--activity" -> "a multiplier of the daily interaction rates, > 0 and <= " + SampleSpec.MAX_ACTIVITY;
        default -> "a value";
      };
    }

    static BadArgument bad(String name, String value) {
      return new BadArgument(name + " expects " + expected(name) + ", got '" + value + "'");
    }

    static long parseLong(String name, String value) throws BadArgument {
      try {
        return Long.parseLong(value.strip().replace("_", ""));
      } catch (NumberFormatException e) {
        throw bad(name, value);
      }
    }
  }
}
