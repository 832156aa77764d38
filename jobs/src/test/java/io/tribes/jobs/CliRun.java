package io.tribes.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in-process (on the test JVM's SparkSession) and captures what it prints to stderr. */
record CliRun(int exitCode, String stderr) {
  static CliRun of(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    System.setErr(capture);
    int code;
    try {
      code = Tribes.run(args);
    } finally {
      System.setErr(original);
    }
    String err = buffer.toString(StandardCharsets.UTF_8);
    original.print(err);
    return new CliRun(code, err);
  }
}
