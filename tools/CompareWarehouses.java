import io.tribes.warehouse.RunManifest;
import io.tribes.warehouse.Warehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares two warehouses row by row: every committed run date, the three tables (member_segments,
 * communities, community_events: every column, doubles exactly) and the manifest's graph, LPA, PageRank,
 * community and lifecycle figures. Prints one line per table and date; exit 0 when identical, 1 otherwise.
 *
 * <pre>java -cp "$jar:$(cat .tribes/classpath.txt)" $opens tools/CompareWarehouses.java WH_A WH_B</pre>
 */
public class CompareWarehouses {
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("compare")
        .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    Warehouse a = new Warehouse(spark, args[0]);
    Warehouse b = new Warehouse(spark, args[1]);
    boolean same = true;
    if (!a.runDates().equals(b.runDates())) {
      System.out.println("DIFFERENT run dates: " + a.runDates() + " vs " + b.runDates());
      same = false;
    }
    for (LocalDate d : a.runDates()) {
      var ra = a.run(d).orElseThrow();
      var rb = b.run(d).orElse(null);
      if (rb == null) continue;
      same &= compare(d, "member_segments", ra.memberSegments(), rb.memberSegments());
      same &= compare(d, "communities", ra.communities(), rb.communities());
      same &= compare(d, "community_events", ra.communityEvents(), rb.communityEvents());
      RunManifest ma = ra.manifest();
      RunManifest mb = rb.manifest();
      same &= figure(d, "manifest.inputs", rows(ma), rows(mb));
      same &= figure(d, "manifest.graph", ma.graph(), mb.graph());
      same &= figure(d, "manifest.lpa", ma.lpa(), mb.lpa());
      same &= figure(d, "manifest.pagerank", ma.pagerank(), mb.pagerank());
      same &= figure(d, "manifest.communities", ma.communities(), mb.communities());
      same &= figure(d, "manifest.lifecycle", ma.lifecycle(), mb.lifecycle());
      List<String> oa = new ArrayList<>();
      List<String> ob = new ArrayList<>();
      ma.outputs().forEach((k, v) -> oa.add(k + "=" + v.rows()));
      mb.outputs().forEach((k, v) -> ob.add(k + "=" + v.rows()));
      same &= figure(d, "manifest.outputs(rows)", oa, ob);
    }
    System.out.println(same ? "IDENTICAL" : "DIFFERENT");
    spark.stop();
    System.exit(same ? 0 : 1);
  }

  private static List<String> rows(RunManifest m) {
    List<String> r = new ArrayList<>();
    m.inputs().forEach((k, v) -> r.add(k + ": rows=" + v.rows() + " rejected=" + v.rejected()));
    return r;
  }

  private static boolean figure(LocalDate d, String what, Object x, Object y) {
    if (x instanceof java.util.Map<?, ?> mx) x = new java.util.TreeMap<>(mx);
    if (y instanceof java.util.Map<?, ?> my) y = new java.util.TreeMap<>(my);
    boolean eq = Objects.equals(String.valueOf(x), String.valueOf(y));
    System.out.println(d + " " + what + ": " + (eq ? "equal" : "DIFFERENT\n  " + x + "\n  " + y));
    return eq;
  }

  private static boolean compare(LocalDate d, String name, Dataset<Row> x, Dataset<Row> y) {
    if (!x.schema().equals(y.schema())) {
      System.out.println(d + " " + name + ": DIFFERENT schema\n  " + x.schema().treeString() + "\n  " + y.schema().treeString());
      return false;
    }
    List<String> rx = sorted(x);
    List<String> ry = sorted(y);
    int diffs = 0;
    for (int i = 0; i < Math.max(rx.size(), ry.size()); i++) {
      String u = i < rx.size() ? rx.get(i) : null;
      String v = i < ry.size() ? ry.get(i) : null;
      if (!Objects.equals(u, v)) {
        if (diffs++ < 5) System.out.println("  row " + i + ":\n    " + u + "\n    " + v);
      }
    }
    long exceptA = x.exceptAll(y).count();
    long exceptB = y.exceptAll(x).count();
    boolean eq = diffs == 0 && exceptA == 0 && exceptB == 0;
    System.out.println(d + " " + name + ": " + rx.size() + " vs " + ry.size() + " rows, " + (eq ? "identical"
        : "DIFFERENT (" + diffs + " differing rows, " + exceptA + " only in A, " + exceptB + " only in B)"));
    return eq;
  }

  /** Every row rendered with full double precision (Double.toString round-trips), sorted. */
  private static List<String> sorted(Dataset<Row> df) {
    List<String> out = new ArrayList<>();
    for (Row r : df.collectAsList()) out.add(render(r));
    out.sort(null);
    return out;
  }

  private static String render(Object o) {
    if (o instanceof Row r) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < r.size(); i++) sb.append(i == 0 ? "" : ",").append(render(r.get(i)));
      return sb.append("]").toString();
    }
    if (o instanceof scala.collection.Seq<?> s) {
      StringBuilder sb = new StringBuilder("(");
      var it = s.iterator();
      boolean first = true;
      while (it.hasNext()) {
        sb.append(first ? "" : ",").append(render(it.next()));
        first = false;
      }
      return sb.append(")").toString();
    }
    return String.valueOf(o);
  }
}
