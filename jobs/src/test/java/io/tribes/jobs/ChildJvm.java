package io.tribes.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code io.tribes.jobs.Tribes} in a separate JVM on the test classpath, with the --add-opens
 * options of this JVM and the job's log config: what {@code bin/tribes} runs ({@link #start}); or any
 * other process, e.g. a Spark daemon or spark-submit ({@link #launch}). Its stdout and stderr (log
 * included) go to one file.
 */
final class ChildJvm {
  final Process process;
  final Path output;

  private ChildJvm(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  static ChildJvm start(Path output, Map<String, String> env, List<String> jvmOptions, String... args) {
    Path projectDir = projectDir();
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-Xmx1g");
    cmd.addAll(javaModuleOptions());
    cmd.add("-Dlog4j2.configurationFile=" + projectDir.resolve("conf/log4j2.properties"));
    cmd.add("-Dspark.master=local[2]");
    cmd.add("-Dspark.default.parallelism=4");
    cmd.add("-Dspark.ui.enabled=false");
    cmd.add("-Dspark.ui.showConsoleProgress=false");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.tribes.jobs.Tribes");
    cmd.addAll(List.of(args));
    return launch(cmd, output, env);
  }

  /**
   * Any command (its output, stdout and stderr, to one file), with {@code SPARK_LOCAL_IP=127.0.0.1}
   * and {@code env} added to this JVM's environment.
   */
  static ChildJvm launch(List<String> cmd, Path output, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    try {
      return new ChildJvm(pb.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path projectDir() {
    return Path.of(System.getProperty("tribes.project.dir", "..")).toAbsolutePath().normalize();
  }

  /** This JVM's java executable. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The options Spark 4 needs on Java 17 ({@code --add-opens} ...), as the build gave them to this JVM
   * (the parent pom's {@code spark.java17.opens}).
   */
  static List<String> javaModuleOptions() {
    List<String> out = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
        out.add(a);
      }
    }
    return out;
  }

  int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("child JVM still running after " + timeout + "; output:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the output has a line containing {@code text} (or the process ends). */
  boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().contains(text)) return true;
      if (!process.isAlive()) return output().contains(text);
      Thread.sleep(200);
    }
    return false;
  }

  /** SIGKILL: no shutdown hooks, no cleanup, like a lost node. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGKILL to the process, then to its descendants of that moment (e.g. a worker's executors); waits for all. */
  void killTree() throws InterruptedException {
    List<ProcessHandle> descendants = process.descendants().toList();
    kill();
    for (ProcessHandle p : descendants) p.destroyForcibly();
    for (ProcessHandle p : descendants) {
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("process " + p.pid() + " still running after SIGKILL", e);
      }
    }
  }

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
