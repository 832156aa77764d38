package io.tribes.notebook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * Community events between two runs A and B derived from member overlap, the rule {@link Explore#compare}
 * documents: a links to b when the overlap is above half of either size; then dissolved, born, split, merged,
 * unchanged or continued, with the Jaccard index or the shared share as {@code overlap}. Pure: works on the two
 * runs' community sizes and their overlap rows (community_a, community_b, overlap), already collected.
 */
final class OverlapEvents {
  private OverlapEvents() {}

  static List<ObjectNode> of(String dateB, Map<String, Long> sizeA, Map<String, Long> sizeB, List<Row> overlap) {
    Map<String, Map<String, Long>> forward = new TreeMap<>();
    Map<String, Map<String, Long>> backward = new TreeMap<>();
    for (Row r : overlap) {
      String a = r.getAs("community_a");
      String b = r.getAs("community_b");
      long n = r.<Long>getAs("overlap");
      if (2 * n > sizeA.get(a) || 2 * n > sizeB.get(b)) {
        forward.computeIfAbsent(a, k -> new TreeMap<>()).put(b, n);
        backward.computeIfAbsent(b, k -> new TreeMap<>()).put(a, n);
      }
    }
    List<ObjectNode> events = new ArrayList<>();
    for (String a : new TreeSet<>(sizeA.keySet())) {
      Map<String, Long> links = forward.getOrDefault(a, Map.of());
      if (links.isEmpty()) {
        events.add(event(dateB, a, "dissolved", List.of(), 0));
      } else if (links.size() > 1) {
        long shared = links.values().stream().mapToLong(Long::longValue).sum();
        events.add(event(dateB, a, "split", new ArrayList<>(links.keySet()), (double) shared / sizeA.get(a)));
      }
    }
    for (String b : new TreeSet<>(sizeB.keySet())) {
      Map<String, Long> links = backward.getOrDefault(b, Map.of());
      if (links.isEmpty()) {
        events.add(event(dateB, b, "born", List.of(), 0));
      } else if (links.size() > 1) {
        long shared = links.values().stream().mapToLong(Long::longValue).sum();
        events.add(event(dateB, b, "merged", new ArrayList<>(links.keySet()), (double) shared / sizeB.get(b)));
      } else {
        String a = links.keySet().iterator().next();
        if (forward.get(a).size() == 1) {
          long n = links.get(a);
          double jaccard = (double) n / (sizeA.get(a) + sizeB.get(b) - n);
          events.add(event(dateB, b, a.equals(b) ? "unchanged" : "continued", List.of(a), jaccard));
        }
      }
    }
    return events;
  }

  private static ObjectNode event(String runDate, String id, String event, List<String> related, double overlap) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("run_date", runDate);
    o.put("community_id", id);
    o.put("event", event);
    ArrayNode r = o.putArray("related_ids");
    related.forEach(r::add);
    o.put("overlap", overlap);
    return o;
  }
}
