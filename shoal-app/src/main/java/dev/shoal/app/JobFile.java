package dev.shoal.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!allowed.contains(e.getKey())) {
        throw new CommandLine.ParameterException(command,
            "%s: unknown key '%s'; allowed keys: %s".formatted(file, e.getKey(), String.join(", ", allowed)));
      }
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new CommandLine.ParameterException(command,
            "%s: key '%s' must have a single value (a number, word or path), found %s"
                .formatted(file, e.getKey(), e.getValue().getNodeType().name().toLowerCase()));
      }
      values.put(e.getKey(), e.getValue().asText());
    }
    return values;
  }
}
