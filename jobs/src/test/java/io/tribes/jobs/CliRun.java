package io.tribes.jobs;

import io.tribes.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.RuntimeConfig;

/**
 * Runs the CLI in-process (on the test JVM's SparkSession) and captures what it prints to stderr. The
 * session's SQL settings the run changed (the job sets spark.sql.shuffle.partitions and the session
 * time zone from its config) are restored afterwards, so they never leak into later test classes.
 */
record CliRun(int exitCode, String stderr) {
  static CliRun of(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    Map<String, String> settings = sqlSettings();
    System.setErr(capture);
    int code;
    try {
      code = Tribes.run(args);
    } finally {
      System.setErr(original);
      restore(settings);
    }
    String err = buffer.toString(StandardCharsets.UTF_8);
    original.print(err);
    return new CliRun(code, err);
  }

  /** The session's spark.sql.* settings as set now. */
  static Map<String, String> sqlSettings() {
    Map<String, String> out = new TreeMap<>();
    scala.collection.immutable.Map<String, String> all = TestSpark.session().conf().getAll();
    all.foreach(kv -> {
      if (kv._1().startsWith("spark.sql.")) out.put(kv._1(), kv._2());
      return null;
    });
    return out;
  }

  /** Puts the session's spark.sql.* settings back as {@link #sqlSettings} saw them. */
  static void restore(Map<String, String> before) {
    RuntimeConfig conf = TestSpark.session().conf();
    for (Map.Entry<String, String> e : sqlSettings().entrySet()) {
      String was = before.get(e.getKey());
      if (was == null) {
        if (conf.isModifiable(e.getKey())) conf.unset(e.getKey());
      } else if (!was.equals(e.getValue()) && conf.isModifiable(e.getKey())) {
        conf.set(e.getKey(), was);
      }
    }
  }
}
