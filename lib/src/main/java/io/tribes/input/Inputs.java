package io.tribes.input;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Validated inputs in their contract shape.
 *
 * @param interactions src STRING, dst STRING (trimmed ids, possibly null/blank: the graph stage drops
 *     and counts them), type STRING, ts TIMESTAMP, weight DOUBLE (nullable), topic STRING (nullable)
 * @param members member_id STRING, opted_out, is_brand, is_bot BOOLEAN (never null: a null opted_out
 *     is read as true, a null is_brand/is_bot as true); null when the job runs without a members table
 * @param memberRows rows of the members table
 * @param memberNulls per flag column, how many rows had it null (and got the safe default)
 */
public record Inputs(Dataset<Row> interactions, String interactionsPath, Dataset<Row> members, String membersPath,
    long memberRows, Map<String, Long> memberNulls) {
  /** Inputs whose members table (if any) has not been counted. */
  public Inputs(Dataset<Row> interactions, String interactionsPath, Dataset<Row> members, String membersPath) {
    this(interactions, interactionsPath, members, membersPath, -1, Map.of());
  }

  public boolean hasMembers() {
    return members != null;
  }
}
