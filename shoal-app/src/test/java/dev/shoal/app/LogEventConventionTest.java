package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Shoal's one logging convention, checked over the sources of every module: a logger is
 * {@code private static final Logger log = LoggerFactory.getLogger(ThisClass.class)}, and each log
 * call's message is an event in words followed by {@code key=value} fields, e.g.
 * {@code log.warn("client failed round={} client={} reason=\"{}\"", ...)}.
 */
class LogEventConventionTest {

  /** A log call and its message: one string literal, or literals joined by {@code +}. */
  private static final Pattern CALL = Pattern.compile(
      "\\blog\\.(?:trace|debug|info|warn|error)\\(\\s*((?:\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\+?\\s*)+)?");

  private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** The event: words without '=', braces or quotes; then fields whose values are placeholders or plain. */
  static final Pattern EVENT = Pattern.compile(
      "[a-z][^={}\"]*?(?: [a-z][a-z0-9_]*=(?:\\{}|\"[^\"]*\"|[^\\s\"{}]+))*");

  private static final Pattern LOGGER = Pattern.compile("\\bLogger\\s+\\w+\\s*=[^;]*;");

  private static final Pattern CONVENTIONAL_LOGGER = Pattern.compile(
      "private static final Logger log = LoggerFactory\\.getLogger\\((\\w+)\\.class\\);");

  private static List<Path> sources() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> modules = Files.list(Path.of(".."))) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src"))).toList()) {
        try (Stream<Path> walk = Files.walk(module.resolve("src"))) {
          walk.filter(f -> f.toString().endsWith(".java")).forEach(files::add);
        }
      }
    }
    return files;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyLogMessageIsAnEventWithKeyValueFields() throws IOException {
    List<String> bad = new ArrayList<>();
    int calls = 0;
    for (Path file : sources()) {
      Matcher call = CALL.matcher(read(file));
      while (call.find()) {
        calls++;
        if (call.group(1) == null) {
          bad.add(file.getFileName() + ": a log call without a literal message");
          continue;
        }
        StringBuilder message = new StringBuilder();
        Matcher literal = LITERAL.matcher(call.group(1));
        while (literal.find()) {
          message.append(literal.group(1).replace("\\\"", "\""));
        }
        if (!EVENT.matcher(message).matches()) {
          bad.add(file.getFileName() + ": " + message);
        }
      }
    }
    assertThat(calls).as("log calls found").isGreaterThan(50);
    assertThat(bad).as("log messages not of the form 'event words key=value ...'").isEmpty();
  }

  @Test
  void everyLoggerIsAPrivateStaticFinalLogNamedAfterItsClass() throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path file : sources()) {
      Matcher logger = LOGGER.matcher(read(file));
      String className = file.getFileName().toString().replace(".java", "");
      while (logger.find()) {
        Matcher conventional = CONVENTIONAL_LOGGER.matcher(logger.group());
        if (!conventional.matches() || !conventional.group(1).equals(className)) {
          bad.add(file.getFileName() + ": " + logger.group());
        }
      }
    }
    assertThat(bad).isEmpty();
  }

  @Test
  void theConventionTellsEventsFromProse() {
    assertThat(EVENT.matcher("client failed round={} client={} reason=\"{}\"").matches()).isTrue();
    assertThat(EVENT.matcher("call ended method={} reason=\"time limit of {} reached\"").matches()).isTrue();
    assertThat(EVENT.matcher("node registered node={}").matches()).isTrue();
    assertThat(EVENT.matcher("event=run_created run={}").matches()).isFalse();
    assertThat(EVENT.matcher("took {} ms for {} clients").matches()).isFalse();
    assertThat(EVENT.matcher("{}").matches()).isFalse();
  }
}
