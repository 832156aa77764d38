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
 * options of this JVM and the job's log config: what {@code bin/tribes} runs. Its stdout and stderr
 * (log included) go to one file.
 */
final class ChildJvm {
  final Process process;
  final Path output;

  private ChildJvm(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  static ChildJvm start(Path output, Map<String, String> env, List<String> jvmOptions, String... args) {
    Path projectDir = Path.of(System.getProperty("tribes.project.dir", "..")).toAbsolutePath().normalize();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
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
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    try {
      return new ChildJvm(pb.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
