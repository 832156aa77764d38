package io.tribes.sample;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.sample.SampleGenerator.DaysSummary;
import io.tribes.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-day samples: five days of churn over 1,000 members with a 5-day window. */
class SampleChurnTest {
  static final LocalDate END = LocalDate.of(2026, 5, 1);
  static final SampleSpec SPEC = new SampleSpec(1_000, 5, 21, END);
  static final int DAYS = 5;

  @TempDir static Path tmp;
  static SparkSession spark;
  static String dir;
  static DaysSummary summary;
  static List<Row> events;

  @BeforeAll
  static void generate() {
    spark = TestSpark.session();
    dir = tmp.resolve("churn").toString();
    summary = new SampleGenerator(spark).generateDays(SPEC, DAYS, dir);
    events = spark.read().parquet(dir + "/events").collectAsList();
  }

  static Dataset<Row> table(LocalDate day, String name) {
    return spark.read().parquet(dir + "/day=" + day + "/" + name);
  }

  static LocalDate day(int i) {
    return END.minusDays(DAYS - i);
  }

  static Row event(String kind) {
    List<Row> found = events.stream().filter(r -> r.getString(1).equals(kind)).toList();
    assertEquals(1, found.size(), "one " + kind + " event: " + events);
    return found.get(0);
  }

  static Set<String> membersOf(LocalDate day, String community) {
    return table(day, "truth").where(col("community").equalTo(community)).select("member_id")
        .collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet());
  }

  static int dayIndex(Row event) {
    return (int) (event.getDate(0).toLocalDate().toEpochDay() - day(0).toEpochDay());
  }

  @Test
  void writesOneDirectoryPerDayAndTheEvents() {
    assertEquals(List.of(day(0), day(1), day(2), day(3), day(4)), summary.days());
    assertEquals(END.minusDays(1), day(4));
    for (LocalDate d : summary.days()) {
      for (String t : List.of("interactions", "members", "truth")) {
        assertTrue(Files.isDirectory(tmp.resolve("churn/day=" + d + "/" + t)), d + "/" + t);
      }
    }
    assertEquals(SampleSchemas.EVENTS, spark.read().parquet(dir + "/events").schema());
    assertEquals(summary.events(), events.size());
    Set<String> kinds = events.stream().map(r -> r.getString(1)).collect(Collectors.toSet());
    assertEquals(Set.of("split", "merge", "dissolve", "birth", "join", "leave"), kinds);
    // daily join / leave counts on every day after the first
    assertEquals(2 * (DAYS - 1), events.stream().filter(r -> Set.of("join", "leave").contains(r.getString(1))).count());
  }

  @Test
  void everyDayHasTheContractAndTruthCoversItsMembers() {
    for (int i = 0; i < DAYS; i++) {
      LocalDate d = day(i);
      Dataset<Row> inter = table(d, "interactions");
      Dataset<Row> members = table(d, "members");
      Dataset<Row> truth = table(d, "truth");
      assertEquals(SampleSchemas.INTERACTIONS, inter.schema());
      assertEquals(SampleSchemas.MEMBERS, members.schema());
      assertEquals(SampleSchemas.TRUTH, truth.schema());
      long n = members.count();
      assertEquals(n, members.select("member_id").distinct().count(), d + ": one row per member");
      assertEquals(summary.daily().get(i).members(), n);
      assertEquals(summary.daily().get(i).interactions(), inter.count());
      assertEquals(0, members.select("member_id").except(truth.select("member_id")).count());
      assertEquals(n, truth.count());
      Dataset<Row> ends = inter.select(col("src").as("id")).union(inter.select(col("dst")));
      assertEquals(0, ends.except(members.select("member_id")).count(), d + ": interaction ends are members");
      // window: the spec's days ending with d, inclusive
      Row range = inter.agg(org.apache.spark.sql.functions.min("ts"), org.apache.spark.sql.functions.max("ts")).first();
      Timestamp from = Timestamp.from(d.plusDays(1 - SPEC.days()).atStartOfDay(ZoneOffset.UTC).toInstant());
      Timestamp to = Timestamp.from(d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
      assertTrue(!range.getTimestamp(0).before(from) && range.getTimestamp(1).before(to), d + " " + range);
      // ids keep one width for the whole run
      assertEquals(n, members.where(col("member_id").rlike("^m[0-9]{4}$")).count(), d + " id width");
    }
  }

  @Test
  void overlappingWindowsAgreeRowForRow() {
    for (int i = 0; i + 1 < DAYS; i++) {
      Timestamp from = Timestamp.from(day(i + 1).plusDays(1 - SPEC.days()).atStartOfDay(ZoneOffset.UTC).toInstant());
      Timestamp to = Timestamp.from(day(i).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
      Dataset<Row> a = table(day(i), "interactions").where(col("ts").geq(from));
      Dataset<Row> b = table(day(i + 1), "interactions").where(col("ts").lt(to));
      long n = a.count();
      assertTrue(n > 1000, "overlap rows " + n);
      assertEquals(n, b.count());
      assertEquals(0, a.exceptAll(b).count());
    }
  }

  @Test
  void aCommunitySplitsInTwo() {
    Row e = event("split");
    int i = dayIndex(e);
    assertTrue(i >= 1);
    String original = e.getString(2);
    String fresh = e.getString(3);
    Set<String> before = membersOf(day(i - 1), original);
    Set<String> stays = membersOf(day(i), original);
    Set<String> goes = membersOf(day(i), fresh);
    assertTrue(before.size() >= Churn.SPLIT_MIN_SIZE, "split a large community: " + before.size());
    assertEquals(0, membersOf(day(i - 1), fresh).size(), "the new part did not exist before");
    assertEquals(e.getInt(4), goes.size());
    assertTrue(stays.size() >= Knobs.MIN_COMMUNITY && goes.size() >= Knobs.MIN_COMMUNITY, stays + " / " + goes);
    Set<String> union = new HashSet<>(stays);
    union.addAll(goes);
    Set<String> common = new HashSet<>(before);
    common.retainAll(union);
    assertTrue(common.size() >= before.size() - 2, "both parts come from the original community");
    // both parts have an ambassador
    for (String c : List.of(original, fresh)) {
      assertTrue(table(day(i), "truth").where(col("community").equalTo(c).and(col("is_ambassador"))).count() >= 1, c);
    }
  }

  @Test
  void twoCommunitiesMerge() {
    Row e = event("merge");
    int i = dayIndex(e);
    String survivor = e.getString(2);
    String absorbed = e.getString(3);
    Set<String> a = membersOf(day(i - 1), survivor);
    Set<String> b = membersOf(day(i - 1), absorbed);
    assertTrue(a.size() >= Knobs.MIN_COMMUNITY && b.size() >= Knobs.MIN_COMMUNITY);
    assertEquals(0, membersOf(day(i), absorbed).size(), "absorbed community is gone");
    Set<String> after = membersOf(day(i), survivor);
    assertEquals(e.getInt(4), after.size());
    Set<String> both = new HashSet<>(a);
    both.addAll(b);
    Set<String> kept = new HashSet<>(both);
    kept.retainAll(after);
    assertTrue(kept.size() >= both.size() - 2, "merged community holds both: " + kept.size() + "/" + both.size());
  }

  @Test
  void aCommunityDissolvesAndItsMembersStayWithoutOne() {
    Row e = event("dissolve");
    int i = dayIndex(e);
    String c = e.getString(2);
    assertNull(e.get(3));
    Set<String> before = membersOf(day(i - 1), c);
    assertEquals(e.getInt(4), before.size());
    assertEquals(0, membersOf(day(i), c).size());
    List<Row> now = table(day(i), "truth").where(col("member_id").isin(before.toArray())).collectAsList();
    assertEquals(before.size(), now.size(), "former members are still members");
    assertTrue(now.stream().allMatch(r -> r.isNullAt(1) && !r.getBoolean(2)), "without community: " + now);
  }

  @Test
  void aCommunityIsBornFromNewMembers() {
    Row e = event("birth");
    int i = dayIndex(e);
    String c = e.getString(2);
    Set<String> born = membersOf(day(i), c);
    assertEquals(e.getInt(4), born.size());
    assertTrue(born.size() >= Churn.BIRTH_MIN_SIZE);
    Set<String> earlier = table(day(0), "members").select("member_id").collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toSet());
    assertTrue(born.stream().noneMatch(earlier::contains), "new members");
    // they interact inside their new community on that day
    Dataset<Row> inter = table(day(i), "interactions")
        .where(col("src").isin(born.toArray()).and(col("dst").isin(born.toArray())));
    assertTrue(inter.count() > 0, "the new community is active");
  }

  @Test
  void membersLeaveAndJoin() {
    long left = events.stream().filter(r -> r.getString(1).equals("leave")).mapToLong(r -> r.getInt(4)).sum();
    long joined = events.stream().filter(r -> r.getString(1).equals("join")).mapToLong(r -> r.getInt(4)).sum();
    Row birth = event("birth");
    Set<String> first = ids(table(day(0), "truth").where(col("community").isNotNull()));
    Set<String> last = ids(table(day(DAYS - 1), "truth").where(col("community").isNotNull()));
    Set<String> dissolved = ids(table(day(DAYS - 1), "truth").where(col("community").isNull()));
    Set<String> gone = new HashSet<>(first);
    gone.removeAll(last);
    Set<String> fresh = new HashSet<>(last);
    fresh.removeAll(first);
    assertTrue(left > 0 && joined > 0, "left " + left + " joined " + joined);
    assertEquals(joined + birth.getInt(4), fresh.size(), "joined members have communities");
    // the ones gone from communities either left or belonged to the dissolved community
    Row dissolve = event("dissolve");
    assertTrue(gone.size() >= left && gone.size() <= left + dissolve.getInt(4), "gone " + gone.size());
    assertTrue(dissolved.size() >= dissolve.getInt(4));
  }

  @Test
  void oneDayEqualsThePlainSample() {
    String one = tmp.resolve("one").toString();
    String plain = tmp.resolve("plain").toString();
    SampleGenerator gen = new SampleGenerator(spark);
    DaysSummary d = gen.generateDays(SPEC, 1, one);
    SampleGenerator.SampleSummary s = gen.generate(SPEC, plain);
    assertEquals(List.of(s), d.daily());
    for (String t : List.of("interactions", "members", "truth")) {
      Dataset<Row> a = spark.read().parquet(one + "/day=" + END.minusDays(1) + "/" + t);
      Dataset<Row> b = spark.read().parquet(plain + "/" + t);
      assertEquals(0, a.exceptAll(b).count(), t);
      assertEquals(0, b.exceptAll(a).count(), t);
    }
    assertEquals(0, spark.read().parquet(one + "/events").count());
  }

  @Test
  void rejectsBadDayCounts() {
    SampleGenerator gen = new SampleGenerator(spark);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> gen.generateDays(SPEC, 0, tmp.resolve("x").toString()));
    assertTrue(e.getMessage().startsWith("consecutiveDays"), e.getMessage());
  }

  static Set<String> ids(Dataset<Row> truth) {
    return truth.select("member_id").collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet());
  }
}
