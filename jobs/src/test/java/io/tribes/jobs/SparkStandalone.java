package io.tribes.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1: a master and {@code n} workers, each a separate JVM
 * started from a Spark home whose {@code jars/} the build filled from the Maven dependencies
 * ({@code mvn -Pcluster}), with the daemons' logs and the workers' work directories (executor logs)
 * under one directory. {@link #close} kills every process it started, executors included.
 *
 * <p>What the daemons need besides the jars: {@code SPARK_HOME} (a worker builds its executors'
 * classpath from {@code $SPARK_HOME/jars}), {@code SPARK_SCALA_VERSION=2.13} (without it a worker's
 * launcher looks for Spark's source build directories and every executor launch fails) and
 * {@code SPARK_LOCAL_IP=127.0.0.1}; web UIs listen on random ports.
 */
final class SparkStandalone implements AutoCloseable {
  static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  /**
   * For every JVM of these tests (daemons, driver, executors): C1 only and the serial collector. The
   * test's JVMs live a minute or two on tiny data, where C2 compiling Spark costs more CPU than it
   * saves (about 40% of a run's CPU on 2 cores); results are the same.
   */
  static final List<String> SHORT_LIVED_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  private static final Duration STARTUP = Duration.ofMinutes(3);

  final Path sparkHome;
  final Path dir;
  final int masterPort;
  private final List<ChildJvm> daemons = new ArrayList<>();
  private final List<ChildJvm> workers = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::killAll);

  private SparkStandalone(Path sparkHome, Path dir, int masterPort) {
    this.sparkHome = sparkHome;
    this.dir = dir;
    this.masterPort = masterPort;
  }

  /** Starts the master and {@code workers} workers of {@code cores} cores and {@code memory} each; returns once all are registered. */
  static SparkStandalone start(Path sparkHome, Path dir, int workers, int cores, String memory) throws IOException {
    if (!Files.isDirectory(sparkHome.resolve("jars"))) {
      throw new IllegalStateException(sparkHome.resolve("jars") + " missing: build it with mvn -Pcluster package");
    }
    Files.createDirectories(dir);
    SparkStandalone cluster = new SparkStandalone(sparkHome, dir, S3MockServer.freeLoopbackPort());
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      ChildJvm master = cluster.daemon("org.apache.spark.deploy.master.Master", dir.resolve("master.log"),
          "--host", "127.0.0.1", "--port", Integer.toString(cluster.masterPort), "--webui-port", "0");
      cluster.await(master, "I have been elected leader");
      for (int i = 0; i < workers; i++) {
        Path work = Files.createDirectories(dir.resolve("worker-" + i));
        cluster.workers.add(cluster.daemon("org.apache.spark.deploy.worker.Worker", dir.resolve("worker-" + i + ".log"),
            "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", Integer.toString(cores),
            "--memory", memory, "--work-dir", work.toString(), cluster.masterUrl()));
      }
      for (ChildJvm w : cluster.workers) cluster.await(w, "Successfully registered with master");
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The executor processes (of any application) the workers are running now. */
  List<ProcessHandle> executors() {
    return workers.stream().flatMap(w -> w.process.children()).filter(SparkStandalone::isExecutor).toList();
  }

  private static boolean isExecutor(ProcessHandle p) {
    return p.info().commandLine().map(c -> c.contains(EXECUTOR_MAIN)).orElse(false);
  }

  /** The value of option {@code --name} on an executor's command line (e.g. app-id, executor-id). */
  static Optional<String> option(ProcessHandle executor, String name) {
    Optional<String[]> args = executor.info().arguments();
    if (args.isEmpty()) return Optional.empty();
    String[] a = args.get();
    for (int i = 0; i + 1 < a.length; i++) if (a[i].equals("--" + name)) return Optional.of(a[i + 1]);
    return Optional.empty();
  }

  /** The applications the workers have run executors for (their work directories {@code worker-N/app-*}). */
  List<String> applications() throws IOException {
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    for (int i = 0; i < workers.size(); i++) {
      try (Stream<Path> s = Files.list(dir.resolve("worker-" + i))) {
        s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("app-")).forEach(out::add);
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * The executors the workers have launched for an application, alive or not: the directories
   * {@code worker-N/<app-id>/<executor-id>} (each holds that executor's stdout and stderr).
   */
  List<Path> executorDirs(String appId) throws IOException {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      Path app = dir.resolve("worker-" + i).resolve(appId);
      if (!Files.isDirectory(app)) continue;
      try (Stream<Path> s = Files.list(app)) {
        s.filter(Files::isDirectory).forEach(out::add);
      }
    }
    out.sort(null);
    return out;
  }

  /** The stderr (Spark's log at INFO) of an application's executor. */
  Path executorLog(String appId, String executorId) throws IOException {
    return executorDirs(appId).stream().filter(d -> d.getFileName().toString().equals(executorId)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no executor " + appId + "/" + executorId)).resolve("stderr");
  }

  /** Kills every executor, worker and the master (SIGKILL), waiting for each. */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private synchronized void killAll() {
    // workers (and their executors) first, so that no executor is relaunched
    List<ChildJvm> order = new ArrayList<>(workers);
    for (ChildJvm d : daemons) if (!order.contains(d)) order.add(d);
    for (ChildJvm d : order) {
      try {
        d.killTree();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private ChildJvm daemon(String mainClass, Path log, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildJvm.java());
    cmd.add("-Xmx512m");
    cmd.addAll(SHORT_LIVED_JVM);
    cmd.addAll(ChildJvm.javaModuleOptions());
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + "/*");
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ChildJvm d = ChildJvm.launch(cmd, log, environment(sparkHome));
    daemons.add(d);
    return d;
  }

  /**
   * {@code spark-submit} of the job jar in client mode: Spark's submit entry point
   * ({@code org.apache.spark.deploy.SparkSubmit}) in a driver JVM on this Spark home's jars, what
   * {@code $SPARK_HOME/bin/spark-submit} runs. The jar reaches the executors through
   * {@code spark.jars}; the driver and the executors get the Java 17 options. Output (the job's log
   * at the level of {@code conf/log4j2.properties}) to {@code output}.
   */
  /** Credentials every submit passes as {@code --conf spark.hadoop.fs.s3a.*}: they must appear in no output. */
  static final String SUBMITTED_ACCESS_KEY = "tribes-submit-access-7Q2";
  static final String SUBMITTED_SECRET = "tribes-submit-secret-9XK4";

  static ChildJvm submit(Path sparkHome, String master, Path jobJar, Path output, String... appArgs) {
    List<String> jvmOptions = new ArrayList<>(SHORT_LIVED_JVM);
    jvmOptions.addAll(ChildJvm.javaModuleOptions());
    String options = String.join(" ", jvmOptions);
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildJvm.java());
    cmd.add("-Xmx2g");
    cmd.addAll(jvmOptions);
    cmd.add("-Dlog4j2.configurationFile=" + ChildJvm.projectDir().resolve("conf/log4j2.properties"));
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + "/*");
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", master, "--deploy-mode", "client", "--class", "io.tribes.jobs.Tribes",
        "--executor-memory", "1g",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.ui.showConsoleProgress=false",
        "--conf", "spark.driver.extraJavaOptions=" + options, "--conf", "spark.executor.extraJavaOptions=" + options,
        // S3A credentials as spark-submit passes them (unused here: no s3a:// path), to show they reach no output
        "--conf", "spark.hadoop.fs.s3a.access.key=" + SUBMITTED_ACCESS_KEY,
        "--conf", "spark.hadoop.fs.s3a.secret.key=" + SUBMITTED_SECRET,
        jobJar.toString()));
    cmd.addAll(List.of(appArgs));
    return ChildJvm.launch(cmd, output, environment(sparkHome));
  }

  /** The environment of Spark's processes from this Spark home (daemons, spark-submit). */
  static Map<String, String> environment(Path sparkHome) {
    return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1");
  }

  private void await(ChildJvm daemon, String logLine) {
    try {
      if (!daemon.awaitOutput(logLine, STARTUP)) {
        throw new IllegalStateException("no '" + logLine + "' from " + daemon.output + " within " + STARTUP
            + (daemon.process.isAlive() ? "" : " (exited " + daemon.process.exitValue() + ")") + ":\n" + daemon.output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
