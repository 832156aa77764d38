package io.tribes.io;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Validated inputs in their contract shape.
 *
 * @param interactions src STRING, dst STRING (trimmed ids, possibly null/blank: the graph stage drops
 *     and counts them), type STRING, ts TIMESTAMP, weight DOUBLE (nullable), topic STRING (nullable)
 * @param members member_id STRING, opted_out, is_brand, is_bot BOOLEAN (never null); null when the
 *     job runs without a members table
 * @param membersRows rows of the members table when already counted, else -1
 */
public record Inputs(Dataset<Row> interactions, String interactionsPath, Dataset<Row> members, String membersPath,
    long membersRows) {
  /** Inputs whose members table (if any) has not been counted. */
  public Inputs(Dataset<Row> interactions, String interactionsPath, Dataset<Row> members, String membersPath) {
    this(interactions, interactionsPath, members, membersPath, -1);
  }

  /** Rows of the members table (0 without one), counted once: when the reader validated it, or now. */
  public long memberRows() {
    if (members == null) return 0;
    return membersRows >= 0 ? membersRows : members.count();
  }

  public boolean hasMembers() {
    return members != null;
  }
}
