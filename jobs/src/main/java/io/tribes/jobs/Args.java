package io.tribes.jobs;

import io.tribes.TribesException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The command-line options of one command, the one parser every command uses: {@code --name value} or
 * {@code --name=value} options, and flags ({@code --name} alone; {@code -h} is {@code --help}, which ends the
 * parse so a command can print its usage whatever follows). Typed getters check the value when asked.
 *
 * <p>Every usage error (an unknown option, a stray argument, an option without its value or, with
 * {@link #parseOnce}, given twice, a value of the wrong type or out of range) is a {@link Usage}: one line,
 * prefixed by the command, naming the option and what was expected. It is a {@link TribesException}, so
 * {@link Tribes} exits with code 2.
 */
final class Args {
  /** A usage error; its message is one line starting with the command's name. */
  static final class Usage extends TribesException {
    private static final long serialVersionUID = 1L;

    Usage(String message) {
      super(message);
    }
  }

  private final String command;
  private final Map<String, String> values = new LinkedHashMap<>();

  private Args(String command) {
    this.command = command;
  }

  /** Options only; one given twice takes its last value (a wrapper or test appends overrides to a base line). */
  static Args parse(String command, String[] args, Set<String> options) {
    return parse(command, args, options, Set.of(), false);
  }

  /** Options and flags, each at most once: a second {@code --out} is a usage error, not an override. */
  static Args parseOnce(String command, String[] args, Set<String> options, Set<String> flags) {
    return parse(command, args, options, flags, true);
  }

  private static Args parse(String command, String[] args, Set<String> options, Set<String> flags, boolean once) {
    Args a = new Args(command);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i].equals("-h") ? "--help" : args[i];
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") ? arg.substring(2, eq > 0 ? eq : arg.length()) : "";
      boolean flag = flags.contains(name);
      if (!flag && !options.contains(name)) {
        throw new Usage(command + ": unknown option '" + args[i] + "' (expected one of "
            + Stream.concat(options.stream(), flags.stream()).sorted().map(k -> "--" + k).toList() + ")");
      }
      if (once && a.values.containsKey(name)) {
        throw new Usage(command + ": option '--" + name + "' given twice");
      }
      if (flag) {
        if (eq > 0) throw new Usage(command + ": option '--" + name + "' takes no value");
        a.values.put(name, "");
        if (name.equals("help")) break;
      } else if (eq > 0) {
        a.values.put(name, arg.substring(eq + 1));
      } else if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new Usage(command + ": option '--" + name + "' needs a value");
      } else {
        a.values.put(name, args[++i]);
      }
    }
    return a;
  }

  /** Whether the option or flag was given. */
  boolean has(String name) {
    return values.containsKey(name);
  }

  String get(String name) {
    return values.get(name);
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** The option's value; a usage error when it is absent. */
  String require(String name) {
    String v = values.get(name);
    if (v == null) throw new Usage(command + ": missing option --" + name);
    return v;
  }

  /** The option's value as a path (required). */
  Path path(String name) {
    return Path.of(require(name));
  }

  /** A usage error naming the option, what it expects and the value it got. */
  Usage bad(String name, String expected) {
    return new Usage(command + ": option '--" + name + "' expects " + expected + ", got '" + values.get(name) + "'");
  }

  long getLong(String name, long fallback, long min) {
    return getLong(name, fallback, min, Long.MAX_VALUE);
  }

  /** The option as a whole number in [min, max] ({@code _} allowed as a digit separator), or the fallback. */
  long getLong(String name, long fallback, long min, long max) {
    return values.containsKey(name) ? requireLong(name, min, max) : fallback;
  }

  /** The required option as a whole number in [min, max]. */
  long requireLong(String name, long min, long max) {
    String v = require(name);
    String expected = max == Long.MAX_VALUE ? (min == Long.MIN_VALUE ? "an integer" : "an integer >= " + min)
        : "an integer from " + min + " to " + max;
    try {
      long n = Long.parseLong(v.strip().replace("_", ""));
      if (n < min || n > max) throw bad(name, expected);
      return n;
    } catch (NumberFormatException e) {
      throw bad(name, expected);
    }
  }

  int getInt(String name, int fallback, int min, int max) {
    return (int) getLong(name, fallback, min, max);
  }

  /** The option as a number in (minExclusive, max], or the fallback. */
  double getDouble(String name, double fallback, double minExclusive, double max) {
    if (!values.containsKey(name)) return fallback;
    String expected = "a number > " + minExclusive + " and <= " + max;
    try {
      double d = Double.parseDouble(values.get(name).strip());
      if (!(d > minExclusive && d <= max)) throw bad(name, expected);
      return d;
    } catch (NumberFormatException e) {
      throw bad(name, expected);
    }
  }

  /** The option as a date (YYYY-MM-DD), or the fallback. */
  LocalDate getDate(String name, LocalDate fallback) {
    if (!values.containsKey(name)) return fallback;
    try {
      return LocalDate.parse(values.get(name).strip());
    } catch (DateTimeParseException e) {
      throw bad(name, "a date as YYYY-MM-DD");
    }
  }
}
