package io.tribes.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tribes.testing.TestSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class QualityTest {
  @Test
  void scoresEveryMemberOfTheTruthWithUnassignedAndMissingMembersAsSingletons() {
    SparkSession spark = TestSpark.session();
    // truth a,a,a,b,b,b,b; found 1,1,2,2,2, m6 unassigned, m7 not in the graph at all
    Dataset<Row> truth = spark.createDataFrame(List.of(row("m1", "a"), row("m2", "a"), row("m3", "a"),
        row("m4", "b"), row("m5", "b"), row("m6", "b"), row("m7", "b"), row("m8", null)),
        new StructType().add("member_id", DataTypes.StringType).add("community", DataTypes.StringType));
    Dataset<Row> segments = spark.createDataFrame(List.of(row("m1", "1"), row("m2", "1"), row("m3", "2"),
        row("m4", "2"), row("m5", "2"), row("m6", null)),
        new StructType().add("member_id", DataTypes.StringType).add("community_id", DataTypes.StringType));
    Dataset<Row> communities = spark.createDataFrame(List.of(RowFactory.create("1", 2, 1.0, false),
        RowFactory.create("2", 3, 0.67, false), RowFactory.create("3", 40, 0.7, true),
        RowFactory.create("4", 35, 0.65, true)), new StructType().add("community_id", DataTypes.StringType)
        .add("size", DataTypes.IntegerType).add("density", DataTypes.DoubleType)
        .add("oversized", DataTypes.BooleanType));
    Quality q = Quality.of(truth, segments, communities, 3, 30);
    assertEquals(7, q.members());
    // sklearn on the same labels: homogeneity_score, completeness_score, normalized_mutual_info_score
    assertEquals(0.6005439318490573, q.homogeneity(), 1e-12);
    assertEquals(0.3211474674609411, q.completeness(), 1e-12);
    assertEquals(0.41849834544782133, q.nmi(), 1e-12);
    assertEquals(3.0 / 7, q.inBounds(), 1e-12); // community 1 has 2 members: below min-size 3
    assertEquals(4, q.communities());
    assertEquals(40, q.largest());
    assertEquals(List.of(0.65, 0.7), q.oversized());
  }

  private static Row row(String a, String b) {
    return RowFactory.create(a, b);
  }
}
