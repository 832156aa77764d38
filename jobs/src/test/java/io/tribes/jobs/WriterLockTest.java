package io.tribes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tribes.RetryableException;
import io.tribes.warehouse.Warehouse;
import io.tribes.warehouse.WarehouseLock;
import io.tribes.testing.TestSpark;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse's writer lock on local paths and on s3a:// (the S3-API server on 127.0.0.1): of
 * several runs taking it at the same instant exactly one gets it and the others fail naming the
 * holder; it is released on close; an expired lease is taken over; a run that lost its lease cannot
 * commit. No Spark job runs here (file-system calls only). The end-to-end cases (two nightly runs at
 * once) are in PublishFaultTest.
 */
class WriterLockTest {
  static final LocalDate DATE = LocalDate.of(2026, 11, 2);
  static final int CONTENDERS = 6;
  @TempDir static Path dir;
  static SparkSession spark;
  static S3MockServer s3;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
    s3 = S3MockServer.get();
    s3.configure(spark.sparkContext().hadoopConfiguration(), "tribes-test-access", "tribes-test-secret");
  }

  /** {@code CONTENDERS} threads take the lock at once, three rounds: exactly one wins each round. */
  void exactlyOneOfConcurrentTakersWins(String root) throws Exception {
    Warehouse w = new Warehouse(spark, root);
    ExecutorService pool = Executors.newFixedThreadPool(CONTENDERS);
    try {
      for (int round = 0; round < 3; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<WarehouseLock>> takers = new ArrayList<>();
        for (int i = 0; i < CONTENDERS; i++) {
          String owner = "contender-" + round + "-" + i;
          takers.add(pool.submit(() -> {
            start.await();
            return WarehouseLock.acquire(w, DATE, owner, Duration.ofMinutes(5), owner);
          }));
        }
        start.countDown();
        List<WarehouseLock> won = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Future<WarehouseLock> f : takers) {
          try {
            won.add(f.get());
          } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(e.getCause() instanceof RetryableException, String.valueOf(e.getCause()));
            refusals.add(e.getCause().getMessage());
          }
        }
        assertEquals(1, won.size(), root + " round " + round + ": winners " + won.size() + ", refusals " + refusals);
        String winner = won.get(0).lease().owner();
        for (String r : refusals) {
          assertTrue(r.contains("locked by " + winner) && r.contains("run date " + DATE), r);
        }
        won.get(0).close();
        assertTrue(WarehouseLock.read(w, lockPath(root)).isEmpty(), "released");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static org.apache.hadoop.fs.Path lockPath(String root) {
    return new org.apache.hadoop.fs.Path(root, "_lock");
  }

  /** A lease whose expiry has passed, as a run that died holding the lock leaves it. */
  static void writeExpiredLease(String root, String owner) throws Exception {
    Map<String, String> lease = Map.of("owner", owner, "run_date", DATE.toString(), "run_id", "dead-run",
        "token", UUID.randomUUID().toString(), "acquired_at", Instant.now().minusSeconds(3600).toString(),
        "expires_at", Instant.now().minusSeconds(60).toString());
    org.apache.hadoop.fs.Path p = lockPath(root);
    FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (OutputStream out = fs.create(p, true)) {
      out.write(new ObjectMapper().writeValueAsString(lease).getBytes(StandardCharsets.UTF_8));
    }
  }

  void expiredLeaseIsTakenOverAndALostLeaseCannotCommit(String root) throws Exception {
    Warehouse w = new Warehouse(spark, root);
    writeExpiredLease(root, "dead-owner");
    try (WarehouseLock lock = WarehouseLock.acquire(w, DATE, "new-run", Duration.ofMinutes(5), "new-owner")) {
      assertEquals("new-owner", WarehouseLock.read(w, lockPath(root)).orElseThrow().owner());
      lock.verify(); // still ours
      // a later run takes the lease over (as after this run's lease expired): this run may not commit,
      // and closing it leaves the other run's lock alone
      writeExpiredLease(root, "someone-else");
      RetryableException lost = assertThrows(RetryableException.class, lock::verify);
      assertTrue(lost.getMessage().contains("lost the writer lock") && lost.getMessage().contains("someone-else"),
          lost.getMessage());
    }
    assertEquals("someone-else", WarehouseLock.read(w, lockPath(root)).orElseThrow().owner(), "not released by the loser");
    // a lease not yet expired is never taken over
    try (WarehouseLock holder = WarehouseLock.acquire(w, DATE.plusDays(1), "ok", Duration.ofMinutes(5), "taker")) {
      RetryableException held = assertThrows(RetryableException.class,
          () -> WarehouseLock.acquire(w, DATE, "second", Duration.ofMinutes(5), "second"));
      assertTrue(held.getMessage().contains("locked by taker (run date " + DATE.plusDays(1) + ", run id ok"),
          held.getMessage());
      assertEquals(1, Tribes.report(held), "a locked warehouse is not bad input: exit 1");
    }
    assertFalse(WarehouseLock.read(w, lockPath(root)).isPresent());
  }

  @Test
  void localPaths() throws Exception {
    exactlyOneOfConcurrentTakersWins(dir.resolve("race").toString());
    expiredLeaseIsTakenOverAndALostLeaseCannotCommit(dir.resolve("expiry").toString());
  }

  @Test
  void s3a() throws Exception {
    exactlyOneOfConcurrentTakersWins(s3.uri("lock-race-" + UUID.randomUUID()));
    expiredLeaseIsTakenOverAndALostLeaseCannotCommit(s3.uri("lock-expiry-" + UUID.randomUUID()));
  }
}
