package dev.shoal.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config job.yaml}: a YAML mapping whose keys are a command's long option names
 * without dashes ({@code model: cnn}, {@code local-epochs: 1}). Values from the file become the
 * command's defaults, so flags given on the command line override them.
 */
final class JobFile {

  private static final Set<String> NOT_IN_FILE = Set.of("config", "help", "version");

  private JobFile() {}

  static void applyTo(CommandLine root, String[] args) {
    String file = configArgument(args);
    if (file == null || args.length == 0) {
      return;
    }
    CommandLine command = root.getSubcommands().get(args[0]);
    if (command == null || command.getCommandSpec().findOption("--config") == null) {
      return;
    }
    Map<String, String> values = read(command, Path.of(file));
    command.setDefaultValueProvider(arg ->
        arg instanceof OptionSpec o ? values.get(o.longestName().replaceFirst("^--", "")) : null);
  }

  /**
   * The {@code strategy:} section: a name ({@code strategy: fedavg}), or a mapping whose {@code
   * name} is the strategy and whose other keys are its parameters ({@code strategy: {name: fedprox,
   * mu: 0.01}}), which become {@code --strategy} and {@code --strategy-param}.
   */
  private static void strategy(CommandLine command, Path file, JsonNode section, List<Map.Entry<String, JsonNode>> flat) {
    if (!section.isObject()) {
      flat.add(Map.entry("strategy", section));
      return;
    }
    List<String> params = new ArrayList<>();
    for (Map.Entry<String, JsonNode> p : section.properties()) {
      if (!p.getValue().isValueNode() || p.getValue().isNull()) {
        throw new CommandLine.ParameterException(command,
            "%s: strategy parameter '%s' must have a single value".formatted(file, p.getKey()));
      }
      if (p.getKey().equals("name")) {
        flat.add(Map.entry("strategy", p.getValue()));
      } else if (p.getValue().asText().contains(",")) {
        throw new CommandLine.ParameterException(command,
            "%s: strategy parameter '%s' must not contain a comma".formatted(file, p.getKey()));
      } else {
        params.add(p.getKey() + "=" + p.getValue().asText());
      }
    }
    if (!params.isEmpty()) {
      flat.add(Map.entry("strategy-param", com.fasterxml.jackson.databind.node.TextNode.valueOf(String.join(",", params))));
    }
  }

  /**
   * The file's keys with the {@code privacy:} section opened up: inside it, {@code secagg: true}
   * and {@code dp-clip: 1.0} stand for themselves, and a nested mapping such as {@code dp:
   * {noise-multiplier: 1.1}} stands for {@code dp-noise-multiplier}; its {@code enabled} key stands
   * for the section's own name ({@code secagg: {enabled: true}} is {@code secagg: true}).
   */
  private static List<Map.Entry<String, JsonNode>> flatten(CommandLine command, Path file, JsonNode root) {
    List<Map.Entry<String, JsonNode>> flat = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (e.getKey().equals("strategy")) {
        strategy(command, file, e.getValue(), flat);
        continue;
      }
      if (!e.getKey().equals("privacy")) {
        flat.add(e);
        continue;
      }
      if (!e.getValue().isObject()) {
        throw new CommandLine.ParameterException(command, file + ": 'privacy' must be a mapping, e.g. privacy: {secagg: true}");
      }
      for (Map.Entry<String, JsonNode> p : e.getValue().properties()) {
        if (!p.getValue().isObject()) {
          flat.add(p);
          continue;
        }
        for (Map.Entry<String, JsonNode> q : p.getValue().properties()) {
          String key = q.getKey().equals("enabled") ? p.getKey() : p.getKey() + "-" + q.getKey();
          flat.add(Map.entry(key, q.getValue()));
        }
      }
    }
    return flat;
  }

  private static String configArgument(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
    }
    return null;
  }

  /**
   * A value as its option reads it. YAML 1.1 reads the bare words {@code off}/{@code no} and
   * {@code on}/{@code yes} as booleans; for an option that is not a flag they mean {@code off} and
   * {@code on} ({@code contribution: off}, {@code http: off}).
   */
  private static String text(OptionSpec option, JsonNode value) {
    boolean flag = option != null && (option.type() == boolean.class || option.type() == Boolean.class);
    if (value.isBoolean() && !flag) {
      return value.booleanValue() ? "on" : "off";
    }
    return value.asText();
  }

  private static Map<String, String> read(CommandLine command, Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CommandLine.ParameterException(command, file + ": no such job file");
    } catch (IOException e) {
      throw new CommandLine.ParameterException(command, file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return Map.of();
    }
    if (!root.isObject()) {
      throw new CommandLine.ParameterException(command, file + ": a job file must be a mapping of option names to values");
    }
    Set<String> allowed = new TreeSet<>();
    for (OptionSpec o : command.getCommandSpec().options()) {
      String name = o.longestName().replaceFirst("^--", "");
      if (!NOT_IN_FILE.contains(name)) {
        allowed.add(name);
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : flatten(command, file, root)) {
      if (!allowed.contains(e.getKey())) {
        throw new CommandLine.ParameterException(command,
            "%s: unknown key '%s'; allowed keys: %s".formatted(file, e.getKey(), String.join(", ", allowed)));
      }
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new CommandLine.ParameterException(command,
            "%s: key '%s' must have a single value (a number, word or path), found %s"
                .formatted(file, e.getKey(), e.getValue().getNodeType().name().toLowerCase()));
      }
      values.put(e.getKey(), text(command.getCommandSpec().findOption("--" + e.getKey()), e.getValue()));
    }
    return values;
  }
}
