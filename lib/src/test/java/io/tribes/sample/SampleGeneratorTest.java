package io.tribes.sample;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.sample.SampleGenerator.SampleSummary;
import io.tribes.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generates one small sample (2,000 members, 7 days) and checks the contract and the planted structure. */
class SampleGeneratorTest {
  static final long MEMBERS = 2_000;
  static final int DAYS = 7;
  static final long SEED = 7;
  static final LocalDate END = LocalDate.of(2026, 3, 15);
  static final SampleSpec SPEC = new SampleSpec(MEMBERS, DAYS, SEED, END);

  @TempDir static Path tmp;

  static SparkSession spark;
  static SampleSummary summary;
  static Dataset<Row> interactions;
  static Dataset<Row> members;
  static Dataset<Row> truth;
  /** Interactions with both ends' community and ambassador flag. */
  static Dataset<Row> labelled;

  @BeforeAll
  static void generate() {
    spark = TestSpark.session();
    String out = tmp.resolve("base").toString();
    summary = new SampleGenerator(spark).generate(SPEC, out);
    interactions = spark.read().parquet(out + "/interactions").cache();
    members = spark.read().parquet(out + "/members").cache();
    truth = spark.read().parquet(out + "/truth").cache();
    labelled = interactions
        .join(truth.select(col("member_id").as("src"), col("community").as("src_c"),
            col("is_ambassador").as("src_amb")), "src")
        .join(truth.select(col("member_id").as("dst"), col("community").as("dst_c"),
            col("is_ambassador").as("dst_amb")), "dst")
        .cache();
  }

  static Dataset<Row> read(String dir, String table) {
    return spark.read().parquet(dir + "/" + table);
  }

  @Test
  void activityMultipliesTheInteractionsAndKeepsTheStructure() {
    String out = tmp.resolve("busy").toString();
    SampleSummary busy = new SampleGenerator(spark).generate(
        new SampleSpec(MEMBERS, DAYS, SEED, END, 3.0), out);
    double ratio = (double) busy.interactions() / summary.interactions();
    assertTrue(ratio > 2.7 && ratio < 3.3, "3x activity gave " + ratio + "x the interactions");
    assertEquals(truth.orderBy("member_id").collectAsList(), read(out, "truth").orderBy("member_id").collectAsList());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SampleSpec(MEMBERS, DAYS, SEED, END, 0.0));
    assertTrue(e.getMessage().startsWith("activity must be"), e.getMessage());
  }

  @Test
  void schemasAreExactlyTheInputContract() {
    assertEquals(SampleSchemas.INTERACTIONS, interactions.schema());
    assertEquals(SampleSchemas.MEMBERS, members.schema());
    assertEquals(SampleSchemas.TRUTH, truth.schema());
    assertEquals(List.of("src", "dst", "type", "ts", "weight", "topic"), List.of(interactions.columns()));
  }

  @Test
  void summaryMatchesTheWrittenTables() {
    assertEquals(MEMBERS, summary.members());
    assertEquals(interactions.count(), summary.interactions());
    assertEquals(members.where(col("opted_out")).count(), summary.optedOut());
    assertEquals(truth.where(col("is_ambassador")).count(), summary.ambassadors());
    assertEquals(truth.where(col("community").isNotNull()).select("community").distinct().count(),
        summary.communities());
    assertEquals(1 + Knobs.BOTS + Knobs.CELEBRITIES, summary.hubs());
    assertEquals(summary.hubs(), truth.where(col("community").isNull()).count());
  }

  @Test
  void membersAndTruthCoverEveryMemberOnceWithPaddedIds() {
    assertEquals(MEMBERS, members.count());
    assertEquals(MEMBERS, members.select("member_id").distinct().count());
    assertEquals(MEMBERS, truth.count());
    assertEquals(0, members.select("member_id").except(truth.select("member_id")).count());
    // 2,000 members: ids m0000 .. m1999, so string order is numeric order
    assertEquals(MEMBERS, members.where(col("member_id").rlike("^m[0-9]{4}$")).count());
    Row range = members.agg(min("member_id"), max("member_id")).first();
    assertEquals("m0000", range.getString(0));
    assertEquals("m1999", range.getString(1));
    // every interaction end is a member, and nobody interacts with themself
    Dataset<Row> ends = interactions.select(col("src").as("id")).union(interactions.select(col("dst")));
    assertEquals(0, ends.distinct().except(members.select("member_id")).count());
    assertEquals(0, interactions.where(col("src").equalTo(col("dst"))).count());
    assertEquals(0, interactions.where(col("src").isNull().or(col("dst").isNull())
        .or(col("type").isNull()).or(col("ts").isNull()).or(col("topic").isNull())).count());
  }

  @Test
  void communitySizesAreHeavyTailedWithinBounds() {
    List<Row> sizes = truth.where(col("community").isNotNull()).groupBy("community")
        .agg(count("*").as("size"), count(when(col("is_ambassador"), 1)).as("amb")).collectAsList();
    assertTrue(sizes.size() > 100, "communities: " + sizes.size());
    long under30 = 0;
    long small = 0;
    for (Row r : sizes) {
      long size = r.getLong(1);
      long amb = r.getLong(2);
      assertTrue(size >= 4 && size <= 40, "community " + r.getString(0) + " has size " + size);
      assertEquals(Math.max(1, Math.round(0.1 * size)), amb, "ambassadors of " + r);
      under30 += size < 30 ? 1 : 0;
      small += size <= 8 ? 1 : 0;
    }
    assertTrue(under30 >= 0.85 * sizes.size(), "most communities under 30: " + under30 + "/" + sizes.size());
    assertTrue(small >= 0.4 * sizes.size(), "heavy tail: many small communities: " + small + "/" + sizes.size());
    assertTrue(sizes.stream().anyMatch(r -> r.getLong(1) >= 25), "some large communities");
    // every member but the hubs in exactly one community
    assertEquals(MEMBERS - summary.hubs(), truth.where(col("community").isNotNull()).count());
  }

  @Test
  void timestampsFallInTheWindow() {
    Row r = interactions.agg(min("ts"), max("ts")).first();
    Timestamp start = Timestamp.from(END.minusDays(DAYS).atStartOfDay(ZoneOffset.UTC).toInstant());
    Timestamp end = Timestamp.from(END.atStartOfDay(ZoneOffset.UTC).toInstant());
    assertFalse(r.getTimestamp(0).before(start), "min ts " + r.getTimestamp(0));
    assertTrue(r.getTimestamp(1).before(end), "max ts " + r.getTimestamp(1));
    // spread over every day of the window
    assertEquals(DAYS, interactions.select(col("ts").cast("date")).distinct().count());
  }

  @Test
  void typesTopicsAndWeightsLookRealistic() {
    Set<String> types = interactions.select("type").distinct().collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toSet());
    assertEquals(Set.of("reply", "comment", "mention", "like", "share"), types);
    double likes = interactions.where(col("type").equalTo("like")).count() / (double) interactions.count();
    assertTrue(likes > 0.2 && likes < 0.5, "like share " + likes);
    double weighted = interactions.where(col("weight").isNotNull()).count() / (double) interactions.count();
    assertTrue(weighted > 0 && weighted < 0.05, "weighted share " + weighted);
    // interactions inside a community carry that community's own topic, one per community
    Dataset<Row> intra = labelled.where(col("src_c").equalTo(col("dst_c")));
    assertEquals(1L, intra.groupBy("src_c").agg(countDistinct("topic").as("n")).agg(max("n")).first().getLong(0));
    assertEquals(intra.select("src_c").distinct().count(), intra.select("topic").distinct().count());
    assertTrue(intra.where(col("topic").rlike("^[a-z]+-[0-9]+$")).count() == intra.count());
  }

  @Test
  void crossCommunityNoiseIsAFewPercentAndMostlyLikes() {
    long total = labelled.count();
    Dataset<Row> cross = labelled.where(col("src_c").notEqual(col("dst_c")));
    double share = cross.count() / (double) total;
    assertTrue(share > 0.03 && share < 0.12, "cross-community share " + share);
    double likes = cross.where(col("type").equalTo("like")).count() / (double) cross.count();
    assertTrue(likes > 0.5, "noise like share " + likes);
    double intra = labelled.where(col("src_c").equalTo(col("dst_c"))).count() / (double) total;
    assertTrue(intra > 0.8, "intra-community share " + intra);
  }

  @Test
  void ambassadorsSendMoreAndReceiveMostOfTheirCommunitysInteractions() {
    Dataset<Row> intra = labelled.where(col("src_c").equalTo(col("dst_c")));
    double toAmbassadors = intra.where(col("dst_amb")).count() / (double) intra.count();
    assertTrue(toAmbassadors > 0.5, "share of in-community interactions received by ambassadors " + toAmbassadors);
    long ambassadors = summary.ambassadors();
    long ordinary = MEMBERS - summary.hubs() - ambassadors;
    double ambSent = intra.where(col("src_amb")).count() / (double) ambassadors;
    double ordSent = intra.where(col("src_amb").equalTo(false)).count() / (double) ordinary;
    assertTrue(ambSent > 2.5 * ordSent, "sent per ambassador " + ambSent + " vs ordinary " + ordSent);
    double ambReceived = intra.where(col("dst_amb")).count() / (double) ambassadors;
    double ordReceived = intra.where(col("dst_amb").equalTo(false)).count() / (double) ordinary;
    assertTrue(ambReceived > 5 * ordReceived, "received per ambassador " + ambReceived + " vs ordinary " + ordReceived);
  }

  @Test
  void ordinaryMembersAreConnectedInsideTheirCommunity() {
    Dataset<Row> intra = labelled.where(col("src_c").equalTo(col("dst_c")));
    Dataset<Row> touched = intra.select(col("src").as("id")).union(intra.select(col("dst"))).distinct();
    long communityMembers = truth.where(col("community").isNotNull()).count();
    long connected = touched.count();
    assertTrue(connected >= 0.99 * communityMembers,
        "members with an in-community interaction: " + connected + "/" + communityMembers);
    double perMember = intra.count() / (double) communityMembers;
    // ~0.67/day for ordinary members, 3-5x for ambassadors
    assertTrue(perMember > 0.6 * DAYS && perMember < 2.0 * DAYS, "in-community sent per member " + perMember);
  }

  @Test
  void hubsTouchFarMoreMembersThanAnyCommunityMember() {
    Dataset<Row> ends = interactions.select(col("src").as("id"), col("dst").as("other"))
        .union(interactions.select(col("dst"), col("src")));
    Dataset<Row> degree = ends.groupBy("id").agg(countDistinct("other").as("degree"));
    Dataset<Row> hubs = truth.where(col("community").isNull()).select(col("member_id").as("id"))
        .join(members.withColumnRenamed("member_id", "id"), "id").join(degree, "id");
    List<Row> hubRows = hubs.collectAsList();
    assertEquals(summary.hubs(), hubRows.size());
    long maxOther = degree.join(truth.where(col("community").isNotNull()).select(col("member_id").as("id")), "id")
        .agg(max("degree")).first().getLong(0);
    long brands = 0;
    long bots = 0;
    long unflagged = 0;
    for (Row h : hubRows) {
      long d = h.getAs("degree");
      assertTrue(d > 3 * maxOther && d >= 150, "hub " + h + " degree " + d + " vs community max " + maxOther);
      boolean brand = h.getAs("is_brand");
      boolean bot = h.getAs("is_bot");
      brands += brand ? 1 : 0;
      bots += bot ? 1 : 0;
      unflagged += !brand && !bot ? 1 : 0;
      assertFalse(h.<Boolean>getAs("opted_out"), "hubs are not opted out");
    }
    assertEquals(1, brands);
    assertEquals(Knobs.BOTS, bots);
    assertTrue(unflagged >= 1, "at least one unflagged (celebrity) hub");
    // only hubs are flagged
    assertEquals(1 + Knobs.BOTS, members.where(col("is_brand").or(col("is_bot"))).count());
  }

  @Test
  void aboutOneToTwoPercentOptedOutAndTheyStillInteract() {
    long optedOut = members.where(col("opted_out")).count();
    double share = optedOut / (double) MEMBERS;
    assertTrue(share >= 0.007 && share <= 0.03, "opted-out share " + share);
    Dataset<Row> out = members.where(col("opted_out")).select(col("member_id").as("src"));
    assertTrue(interactions.join(out, "src").count() > 0, "opted-out members' interactions stay in the data");
  }

  @Test
  void sameSeedGivesIdenticalRowsWhateverTheShufflePartitions() {
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    String again = tmp.resolve("again").toUri().toString(); // file:// URI, trailing slash
    try {
      spark.conf().set("spark.sql.shuffle.partitions", "13");
      SampleSummary second = new SampleGenerator(spark).generate(SPEC, again);
      assertEquals(summary, second);
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", before);
    }
    assertEquals(before, spark.conf().get("spark.sql.shuffle.partitions"));
    for (String table : List.of("interactions", "members", "truth")) {
      Dataset<Row> a = read(tmp.resolve("base").toString(), table);
      Dataset<Row> b = read(again, table);
      assertEquals(a.count(), b.count(), table);
      assertEquals(0, a.exceptAll(b).count(), table + " rows only in the first run");
      assertEquals(0, b.exceptAll(a).count(), table + " rows only in the second run");
    }
  }

  @Test
  void differentSeedGivesDifferentRows() {
    String other = tmp.resolve("other").toString();
    SampleSummary s = new SampleGenerator(spark).generate(new SampleSpec(MEMBERS, DAYS, SEED + 1, END), other);
    assertEquals(MEMBERS, s.members());
    assertNotEquals(summary, s);
    Dataset<Row> a = interactions;
    Dataset<Row> b = read(other, "interactions");
    assertTrue(b.exceptAll(a).count() > 0.9 * b.count(), "a different seed should change nearly every row");
    assertTrue(read(other, "truth").exceptAll(truth).count() > 0.5 * MEMBERS, "and the planted structure");
  }

  @Test
  void generatingAgainOverwrites() {
    String dir = tmp.resolve("overwrite").toString();
    SampleGenerator gen = new SampleGenerator(spark);
    gen.generate(new SampleSpec(500, 2, 1, END), dir);
    SampleSummary s = gen.generate(new SampleSpec(300, 1, 2, END), dir);
    assertEquals(300, read(dir, "members").count());
    assertEquals(s.interactions(), read(dir, "interactions").count());
    // 300 members: three-digit ids
    assertEquals(300, read(dir, "members").where(col("member_id").rlike("^m[0-9]{3}$")).count());
  }

  @Test
  void tablesInMemoryEqualTheWrittenOnes() {
    SampleGenerator.SampleTables t = new SampleGenerator(spark).tables(SPEC);
    assertEquals(0, t.interactions().exceptAll(interactions).count());
    assertEquals(interactions.count(), t.interactions().count());
    assertEquals(0, t.truth().exceptAll(truth).count());
  }

  @Test
  void specValidationNamesTheField() {
    IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> new SampleSpec(99, 7, 1));
    assertTrue(m.getMessage().startsWith("members"), m.getMessage());
    IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> new SampleSpec(1000, 0, 1));
    assertTrue(d.getMessage().startsWith("days"), d.getMessage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SampleSpec(1000, 7, 1, null));
    assertTrue(e.getMessage().startsWith("endDate"), e.getMessage());
    assertEquals(SampleSpec.DEFAULT_END_DATE, new SampleSpec(100, 1, 1).endDate());
    assertEquals(LocalDate.of(2026, 10, 2), new SampleSpec(100, 30, 1).startDate());
  }

  @Test
  void averageActivityScalesWithDays() {
    // 30 days at 300 members vs 3 days: sent per member grows ~10x
    SampleGenerator gen = new SampleGenerator(spark);
    long shortRun = gen.tables(new SampleSpec(300, 3, 5, END)).interactions().count();
    long longRun = gen.tables(new SampleSpec(300, 30, 5, END)).interactions().count();
    double ratio = longRun / (double) shortRun;
    assertTrue(ratio > 7 && ratio < 13, "30-day / 3-day volume " + ratio);
    double perMember = longRun / 300.0;
    assertTrue(perMember > 15 && perMember < 60, "interactions per member over 30 days " + perMember);
  }

}
