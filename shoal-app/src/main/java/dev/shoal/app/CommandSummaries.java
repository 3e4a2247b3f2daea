package dev.shoal.app;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The list of commands in {@code shoal --help}: each with the whole first sentence of its
 * description, wrapped, where picocli would show only the description's first line and so cut
 * a sentence in the middle.
 */
final class CommandSummaries {

  private CommandSummaries() {}

  static void install(CommandLine cli) {
    cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, CommandSummaries::render);
  }

  /** The first sentence of a command's description, its lines joined. */
  static String summary(CommandLine command) {
    String text = String.join(" ", command.getCommandSpec().usageMessage().description()).strip();
    int end = -1;
    for (int i = 0; i < text.length() - 1; i++) {
      boolean abbreviation = text.startsWith("e.g", i - 3) || text.startsWith("i.e", i - 3);
      if (text.charAt(i) == '.' && text.charAt(i + 1) == ' ' && !abbreviation) {
        end = i + 1;
        break;
      }
    }
    return end < 0 ? text : text.substring(0, end);
  }

  private static String render(Help help) {
    Map<String, Help> subcommands = help.subcommands();
    if (subcommands.isEmpty()) {
      return "";
    }
    int nameWidth = subcommands.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
    int width = help.commandSpec().usageMessage().width();
    Help.TextTable table = Help.TextTable.forColumns(help.colorScheme(),
        new Help.Column(nameWidth + 2, 2, Help.Column.Overflow.SPAN),
        new Help.Column(Math.max(20, width - nameWidth - 2), 1, Help.Column.Overflow.WRAP));
    for (Map.Entry<String, Help> e : subcommands.entrySet()) {
      table.addRowValues(e.getKey(), summary(e.getValue().commandSpec().commandLine()));
    }
    return table.toString();
  }
}
