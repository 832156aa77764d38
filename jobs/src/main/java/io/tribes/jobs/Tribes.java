package io.tribes.jobs;

import io.tribes.RetryableException;
import io.tribes.TribesException;
import io.tribes.input.ReadFailures;
import io.tribes.config.ConfigLoader;
import io.tribes.config.TribesConfig;
import io.tribes.warehouse.RunManifest;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point of the job jar: {@code tribes <command> [options]}.
 *
 * <p>Exit codes: 0 success; 2 bad input, config or usage (one line on stderr naming the path, column
 * or key; nothing published); 1 anything else: an internal failure, or a failure that is not the
 * input's fault (a transient read error, the warehouse locked by another run; one line), which a
 * scheduler should retry.
 */
public final class Tribes {
  private static final Logger LOG = LoggerFactory.getLogger(Tribes.class);
  static final String USAGE = String.join("\n",
      "usage: tribes <command> [options]",
      "  nightly         --config FILE [--run-date YYYY-MM-DD] [--input DIR] [--interactions PATH] [--members PATH|none] [--warehouse PATH]",
      "  demo            [--members N] [--sample DIR] [--warehouse DIR]   generate the sample if absent, run nightly, print a summary",
      "  generate-sample --members N --days D --seed S --out DIR [--end-date YYYY-MM-DD] [--consecutive-days K]",
      "  graphalytics    --algorithm cdlp|pr --graph DIR/NAME --output FILE",
      "  bench           --vertices V --edges E --seed S [--partitions P] [--algorithms lpa,pr] [--runs N] [--graphx-partitions 2,4,8|none]   Tribes vs GraphX, LPA and PageRank",
      "  bench-nightly   --members N [--days D] [--seed S] [--data DIR] [--config FILE]   the nightly job end to end, per stage",
      "  bench-quality   --input DIR [--truth DIR] [--config FILE] [--run-date D] [--members PATH|none] [--warehouse DIR]   communities vs a known partition");

  private Tribes() {}

  public static void main(String[] args) {
    int code = run(args);
    System.exit(code);
  }

  /** Runs a command and returns its exit code; never throws. */
  static int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.err.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return dispatch(command, rest);
    } catch (Throwable t) {
      return report(t);
    }
  }

  private static int dispatch(String command, String[] rest) {
    switch (command) {
      case "nightly": {
        TribesConfig config = NightlyCommand.config(Args.parse(command, rest, NightlyCommand.OPTIONS));
        SparkSession spark = Spark.session(command, config.spark());
        RunManifest m = NightlyCommand.run(spark, config);
        System.out.printf(Locale.ROOT, "tribes: published run %s: %d communities, %d members, modularity %.3f -> %s%n",
            m.runDate(), m.communities().count(), m.outputs().get("member_segments").rows(),
            m.communities().modularity(), config.warehouse());
        if (m.forgotInRetainedRuns() != null) {
          System.out.printf(Locale.ROOT, "tribes: forgot opted-out members in retained runs: %s%n", m.forgotInRetainedRuns());
        }
        return 0;
      }
      case "demo":
        return DemoCommand.run(Args.parse(command, rest, DemoCommand.OPTIONS));
      case "generate-sample":
        return GenerateSampleCommand.run(defaultSession(command), rest);
      case "graphalytics":
        return GraphalyticsCommand.run(defaultSession(command), rest);
      case "bench":
        return BenchCommand.run(defaultSession(command), rest);
      case NightlyBenchCommand.NAME:
        return NightlyBenchCommand.run(Args.parse(command, rest, NightlyBenchCommand.OPTIONS));
      case QualityBenchCommand.NAME:
        return QualityBenchCommand.run(Args.parse(command, rest, QualityBenchCommand.OPTIONS));
      default:
        throw new TribesException("unknown command '" + command + "'\n" + USAGE);
    }
  }

  static SparkSession defaultSession(String command) {
    return Spark.session(command, new ConfigLoader().defaults().spark());
  }

  /** One clear line for the user; the stack trace goes to the log only for internal failures. */
  static int report(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TribesException) {
        System.err.println("tribes: error: " + c.getMessage());
        return 2;
      }
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof RetryableException) {
        LOG.error("failed, not through the input's fault (a retry may pass)", t);
        System.err.println("tribes: error: " + c.getMessage());
        return 1;
      }
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      String msg = String.valueOf(c.getMessage());
      if (msg.contains("FAILED_READ_FILE") || msg.contains("is not a Parquet file")
          || c.getClass().getName().startsWith("org.apache.parquet")) {
        // name the file, not Spark's error class: "Encountered error while reading file <path>. SQLSTATE..."
        java.util.regex.Matcher file = java.util.regex.Pattern.compile("reading file (\\S+?)\\.?\\s").matcher(msg);
        String what = file.find() ? "input file " + file.group(1) : "input (" + msg.split("\n")[0].trim() + ")";
        if (!ReadFailures.isBadData(t)) {
          // an I/O timeout or a throttled read is not the data's fault: exit 1, so the scheduler retries
          LOG.error("read failure", t);
          System.err.println("tribes: error: " + what + ": read failed (" + TribesException.rootMessage(c)
              + "); not a data error, a retry may pass");
          return 1;
        }
        System.err.println("tribes: error: " + what + ": not readable as Parquet (" + TribesException.rootMessage(c)
            + "; expected a Parquet file)");
        return 2;
      }
    }
    LOG.error("internal failure", t);
    System.err.println("tribes: internal error: " + TribesException.rootMessage(t) + " (stack trace in the log above)");
    return 1;
  }
}
