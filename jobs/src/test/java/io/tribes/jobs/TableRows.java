package io.tribes.jobs;

import io.tribes.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A published table as sorted lines of text, for comparing two runs: ids, communities, roles, ranks
 * and counts must be identical, doubles to 9 significant digits, because PageRank and weight sums add
 * doubles in partition order and their last bits (about 1e-15 relative) may differ with the partition
 * count or the cluster (see README, "Determinism").
 */
final class TableRows {
  private TableRows() {}

  static List<String> of(Warehouse.PublishedRun run, String table) {
    Dataset<Row> df = switch (table) {
      case Warehouse.MEMBER_SEGMENTS -> run.memberSegments();
      case Warehouse.COMMUNITIES -> run.communities();
      case Warehouse.COMMUNITY_EVENTS -> run.communityEvents();
      default -> throw new IllegalArgumentException("no table " + table);
    };
    return df.collectAsList().stream().map(TableRows::canonical).sorted().toList();
  }

  static String canonical(Row r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < r.length(); i++) {
      String name = r.schema().fields()[i].name();
      Object v = r.get(i);
      sb.append(name).append('=').append(v instanceof Double d ? String.format(Locale.ROOT, "%.9g", d) : v)
          .append(';');
    }
    return sb.toString();
  }

  /** Empty when equal, else a short account of the difference (counts and a few rows on each side). */
  static String difference(List<String> expected, List<String> actual) {
    if (expected.equals(actual)) return "";
    Set<String> missing = new TreeSet<>(expected);
    actual.forEach(missing::remove);
    Set<String> extra = new TreeSet<>(actual);
    expected.forEach(extra::remove);
    List<String> lines = new ArrayList<>();
    lines.add(expected.size() + " rows expected, " + actual.size() + " found; " + missing.size() + " missing, "
        + extra.size() + " unexpected");
    missing.stream().limit(5).forEach(m -> lines.add("  missing:    " + m));
    extra.stream().limit(5).forEach(e -> lines.add("  unexpected: " + e));
    return String.join("\n", lines);
  }
}
