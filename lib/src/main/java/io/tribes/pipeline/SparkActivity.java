package io.tribes.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.SparkContext;

/**
 * Counts what Spark did, by wall-clock time: jobs started, stages completed, tasks ended, shuffle bytes
 * read and written, and bytes spilled (memory and disk). {@link #between} sums a time interval, e.g. one
 * stage of the nightly job. Register it with {@link #attach}; drain the listener bus
 * ({@code sc.listenerBus().waitUntilEmpty}) before reading figures that must be complete.
 */
public final class SparkActivity extends SparkListener {
  private record Event(long at, int kind, long shuffleRead, long shuffleWrite, long spillMemory, long spillDisk) {}

  /** {@code -Dtribes.trace-jobs=true}: one line per job on stderr with its call site, to find where jobs come from. */
  private static final boolean TRACE = Boolean.getBoolean("tribes.trace-jobs");
  private static final int JOB = 0;
  private static final int STAGE = 1;
  private static final int TASK = 2;

  /** Sums over an interval. */
  public record Totals(long jobs, long stages, long tasks, long shuffleRead, long shuffleWrite, long spillMemory,
      long spillDisk) {
    @Override
    public String toString() {
      return "jobs=" + jobs + " stages=" + stages + " tasks=" + tasks + " shuffle_read=" + shuffleRead
          + " shuffle_write=" + shuffleWrite + " spill_memory=" + spillMemory + " spill_disk=" + spillDisk;
    }
  }

  private final List<Event> events = new ArrayList<>();

  public static SparkActivity attach(SparkContext sc) {
    SparkActivity a = new SparkActivity();
    sc.addSparkListener(a);
    return a;
  }

  public void detach(SparkContext sc) {
    sc.removeSparkListener(this);
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    add(new Event(start.time(), JOB, 0, 0, 0, 0));
    if (TRACE) {
      String site = "?";
      int last = -1;
      for (var it = start.stageInfos().iterator(); it.hasNext(); ) {
        var info = it.next();
        if (info.stageId() > last) {
          last = info.stageId();
          site = info.name();
        }
      }
      System.err.println("tribes.trace-jobs: job " + start.jobId() + " (" + start.stageInfos().size() + " stages) " + site);
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted done) {
    long at = done.stageInfo().completionTime().isDefined()
        ? (Long) done.stageInfo().completionTime().get() : System.currentTimeMillis();
    add(new Event(at, STAGE, 0, 0, 0, 0));
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    var m = end.taskMetrics();
    if (m == null) {
      add(new Event(end.taskInfo().finishTime(), TASK, 0, 0, 0, 0));
      return;
    }
    add(new Event(end.taskInfo().finishTime(), TASK, m.shuffleReadMetrics().totalBytesRead(),
        m.shuffleWriteMetrics().bytesWritten(), m.memoryBytesSpilled(), m.diskBytesSpilled()));
  }

  private synchronized void add(Event e) {
    events.add(e);
  }

  /** Totals of the events in {@code [fromMillis, toMillis)}. */
  public synchronized Totals between(long fromMillis, long toMillis) {
    long jobs = 0, stages = 0, tasks = 0, read = 0, write = 0, spillMem = 0, spillDisk = 0;
    for (Event e : events) {
      if (e.at() < fromMillis || e.at() >= toMillis) continue;
      switch (e.kind()) {
        case JOB -> jobs++;
        case STAGE -> stages++;
        default -> {
          tasks++;
          read += e.shuffleRead();
          write += e.shuffleWrite();
          spillMem += e.spillMemory();
          spillDisk += e.spillDisk();
        }
      }
    }
    return new Totals(jobs, stages, tasks, read, write, spillMem, spillDisk);
  }
}
