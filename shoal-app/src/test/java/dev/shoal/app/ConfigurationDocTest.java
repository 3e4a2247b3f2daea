package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/configuration.md is the reference of every command: every option of every command (the
 * picocli tree under {@link Main}) appears in it by its full name, and every option it names exists.
 */
class ConfigurationDocTest {

  /** {@code --name}, or {@code --prefix-*} standing for a family of options. */
  private static final Pattern DOCUMENTED = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*(-\\*)?");

  private static String doc() throws IOException {
    return Files.readString(Path.of("..", "docs", "configuration.md"));
  }

  /** Every long option name of every command, with the commands that take it. */
  private static Map<String, Set<String>> options() {
    Map<String, Set<String>> names = new TreeMap<>();
    collect(Main.commandLine(), names);
    return names;
  }

  private static void collect(CommandLine cli, Map<String, Set<String>> names) {
    CommandSpec spec = cli.getCommandSpec();
    for (OptionSpec option : spec.options()) {
      for (String name : option.names()) {
        if (name.startsWith("--")) {
          names.computeIfAbsent(name, n -> new TreeSet<>()).add(spec.qualifiedName());
          if (option.negatable()) {
            String negated = spec.negatableOptionTransformer().makeNegative(name, spec);
            names.computeIfAbsent(negated, n -> new TreeSet<>()).add(spec.qualifiedName());
          }
        }
      }
    }
    cli.getSubcommands().values().forEach(sub -> collect(sub, names));
  }

  @Test
  void everyOptionOfEveryCommandIsDocumented() throws IOException {
    Set<String> documented = new TreeSet<>();
    Matcher m = DOCUMENTED.matcher(doc());
    while (m.find()) {
      documented.add(m.group());
    }
    Map<String, Set<String>> missing = new TreeMap<>(options());
    missing.keySet().removeAll(documented);
    assertThat(missing).as("options missing from docs/configuration.md (option -> commands)").isEmpty();
  }

  @Test
  void everyDocumentedOptionExists() throws IOException {
    Set<String> options = options().keySet();
    Set<String> unknown = new TreeSet<>();
    Matcher m = DOCUMENTED.matcher(doc());
    while (m.find()) {
      String name = m.group();
      boolean exists = name.endsWith("-*")
          ? options.stream().anyMatch(o -> o.startsWith(name.substring(0, name.length() - 1)))
          : options.contains(name);
      if (!exists) {
        unknown.add(name);
      }
    }
    assertThat(unknown).as("options in docs/configuration.md that no command takes").isEmpty();
  }

  @Test
  void theWalkSeesNestedCommands() {
    assertThat(options()).containsKeys("--rounds", "--witness", "--sampling-rate", "--serial")
        .containsEntry("--witness", Set.of("shoal ledger verify"));
  }
}
