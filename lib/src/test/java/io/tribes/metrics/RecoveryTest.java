package io.tribes.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class RecoveryTest {
  private static Row cell(String x, String y, long n) {
    return RowFactory.create(x, y, n);
  }

  @Test
  void identicalPartitionsUnderOtherNamesHaveNmiOne() {
    assertEquals(1.0, Recovery.nmi(List.of(cell("a", "1", 5), cell("b", "2", 7))), 1e-12);
  }

  @Test
  void independentPartitionsHaveNmiZero() {
    assertEquals(0.0, Recovery.nmi(List.of(cell("a", "1", 1), cell("a", "2", 1), cell("b", "1", 1), cell("b", "2", 1))), 1e-12);
  }

  @Test
  void knownValue() {
    // truth {a,a,a,b,b,b}, found {1,1,2,2,2,2}: MI 0.31826, H 0.69315 + 0.63651: NMI 0.47870397138568
    double nmi = Recovery.nmi(List.of(cell("a", "1", 2), cell("a", "2", 1), cell("b", "2", 3)));
    assertEquals(0.47870397138568, nmi, 1e-9);
  }
}
