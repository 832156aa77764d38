package io.tribes.jobs;

import io.tribes.TribesException;
import java.util.LinkedHashMap;

import java.util.Map;
import java.util.Set;

/** {@code --name value} options of one command; unknown or valueless options are usage errors naming the option. */
final class Args {
  private final String command;
  private final Map<String, String> values = new LinkedHashMap<>();

  private Args(String command) {
    this.command = command;
  }

  static Args parse(String command, String[] args, Set<String> known) {
    Args a = new Args(command);
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || !known.contains(name.substring(2))) {
        throw new TribesException(command + ": unknown option '" + name + "' (expected one of "
            + known.stream().sorted().map(k -> "--" + k).toList() + ")");
      }
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new TribesException(command + ": option '" + name + "' needs a value");
      }
      a.values.put(name.substring(2), args[++i]);
    }
    return a;
  }

  String get(String name) {
    return values.get(name);
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  long getLong(String name, long fallback, long min) {
    String v = values.get(name);
    if (v == null) return fallback;
    try {
      long n = Long.parseLong(v.replace("_", ""));
      if (n < min) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new TribesException(command + ": option '--" + name + "' expects an integer >= " + min + ", got '" + v + "'");
    }
  }

}
