package io.tribes.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * A real S3-API server for the s3a:// tests: Adobe S3Mock's runnable jar (copied to
 * {@code target/s3mock/s3mock.jar} by the build), started once per test JVM as a separate process
 * and stopped when the JVM exits. Both its connectors listen on 127.0.0.1 only: HTTPS through
 * {@code server.address} on a random port, plain HTTP (the one the tests use) through
 * {@code s3mock-loopback.xml}. Objects are stored as files under {@link #dataDir()}.
 */
final class S3MockServer {
  static final String BUCKET = "tribes";
  private static final Duration STARTUP = Duration.ofMinutes(4);
  private static S3MockServer instance;

  final int port;
  final Process process;
  final Path dataDir;
  final Path log;

  private S3MockServer(int port, Process process, Path dataDir, Path log) {
    this.port = port;
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
  }

  static synchronized S3MockServer get() {
    if (instance == null) instance = start();
    return instance;
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** s3a:// URI of a key in the test bucket. */
  String uri(String key) {
    return "s3a://" + BUCKET + "/" + key;
  }

  Path dataDir() {
    return dataDir;
  }

  /**
   * What spark-submit's {@code --conf spark.hadoop.fs.s3a.*} would give a job: the endpoint and the
   * test credentials (S3Mock accepts any).
   */
  void configure(Configuration conf, String accessKey, String secretKey) {
    conf.set("fs.s3a.endpoint", endpoint());
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.endpoint.region", "us-east-1");
    conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.set("fs.s3a.access.key", accessKey);
    conf.set("fs.s3a.secret.key", secretKey);
    conf.set("fs.s3a.attempts.maximum", "3");
    conf.set("fs.s3a.retry.limit", "3");
  }

  private static S3MockServer start() {
    Path projectDir = Path.of(System.getProperty("tribes.project.dir", "..")).toAbsolutePath().normalize();
    Path dir = projectDir.resolve("jobs/target/s3mock");
    Path jar = dir.resolve("s3mock.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " missing: the jobs build copies it (mvn generate-test-resources)");
    }
    try {
      int port = freeLoopbackPort();
      Path data = Files.createDirectories(dir.resolve("data-" + port));
      Path log = dir.resolve("s3mock-" + port + ".log");
      URL xml = S3MockServer.class.getResource("/s3mock-loopback.xml");
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
          "-jar", jar.toString(),
          "--server.address=127.0.0.1",
          "--server.port=0",
          "--com.adobe.testing.s3mock.httpPort=" + port,
          "--spring.main.sources=" + xml,
          "--spring.main.banner-mode=off",
          "--com.adobe.testing.s3mock.domain.root=" + data,
          "--com.adobe.testing.s3mock.domain.initialBuckets=" + BUCKET,
          "--com.adobe.testing.s3mock.domain.retainFilesOnExit=false"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      S3MockServer s = new S3MockServer(port, p, data, log);
      s.awaitReady();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(STARTUP);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) throw new IllegalStateException("S3Mock exited early; see " + log);
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/" + BUCKET).toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(5000);
        int code = c.getResponseCode();
        c.disconnect();
        if (code == 200) return;
      } catch (IOException notYet) {
        // starting
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("S3Mock not ready after " + STARTUP + "; see " + log);
  }

  static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * The local addresses of every TCP socket the server process listens on, read from /proc (Linux),
   * so the check needs no tool beyond the JDK: e.g. {@code 127.0.0.1:9090}.
   */
  List<String> listeningAddresses() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
        } catch (IOException gone) {
          // fd closed meanwhile
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path t = Path.of(table);
      if (!Files.exists(t)) continue;
      for (String line : Files.readAllLines(t).subList(1, Files.readAllLines(t).size())) {
        String[] f = line.trim().split("\\s+");
        if (!f[3].equals("0A") || !inodes.contains(f[9])) continue; // 0A = LISTEN
        out.add(decode(f[1]));
      }
    }
    return out;
  }

  /** /proc/net/tcp{,6} local_address (little-endian hex words) as host:port. */
  static String decode(String hexAddr) {
    String[] hp = hexAddr.split(":");
    int port = Integer.parseInt(hp[1], 16);
    String h = hp[0];
    byte[] b = new byte[h.length() / 2];
    for (int w = 0; w < h.length() / 8; w++) {
      for (int i = 0; i < 4; i++) {
        b[w * 4 + i] = (byte) Integer.parseInt(h.substring(w * 8 + (3 - i) * 2, w * 8 + (3 - i) * 2 + 2), 16);
      }
    }
    try {
      return java.net.InetAddress.getByAddress(b).getHostAddress() + ":" + port;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(hexAddr, e);
    }
  }
}
