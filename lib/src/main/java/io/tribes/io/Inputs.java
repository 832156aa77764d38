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
 */
public record Inputs(Dataset<Row> interactions, String interactionsPath, Dataset<Row> members, String membersPath) {
  public boolean hasMembers() {
    return members != null;
  }
}
