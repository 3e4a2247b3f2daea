package dev.shoal.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a CSV file (RFC 4180: comma-separated, fields optionally in double quotes with {@code
 * ""} for a quote, one record per line) into a header and rows, each row remembering its line.
 * Blank lines are skipped; a row whose cell count differs from the header's is refused.
 */
final class CsvReader {

  /** One record and the line it starts on (1-based). */
  record Row(int line, List<String> cells) {}

  /** The header's cells and the rows after it. */
  record Table(List<String> header, List<Row> rows) {}

  private CsvReader() {}

  static Table read(Path file) throws IOException {
    String name = file.toString();
    List<String> header = null;
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int line = 0;
      while ((text = in.readLine()) != null) {
        line++;
        if (line == 1 && text.startsWith("\uFEFF")) {
          text = text.substring(1);
        }
        if (text.isBlank()) {
          continue;
        }
        List<String> cells = split(text, name + ":" + line);
        if (header == null) {
          header = cells.stream().map(String::strip).toList();
          checkHeader(header, name + ":" + line);
          continue;
        }
        if (cells.size() != header.size()) {
          throw new DataFormatException(name + ":" + line,
              "has %d cells but the header has %d columns (ragged row)".formatted(cells.size(), header.size()));
        }
        rows.add(new Row(line, cells));
      }
    } catch (CharacterCodingException e) {
      throw new DataFormatException(name, "is not UTF-8 text");
    }
    if (header == null) {
      throw new DataFormatException(name, "is empty; a CSV file needs a header line and at least one row");
    }
    if (rows.isEmpty()) {
      throw new DataFormatException(name, "has a header but no rows");
    }
    return new Table(header, rows);
  }

  private static void checkHeader(List<String> header, String where) throws DataFormatException {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).isEmpty()) {
        throw new DataFormatException(where, "column %d of the header has no name".formatted(i + 1));
      }
      if (header.indexOf(header.get(i)) != i) {
        throw new DataFormatException(where, "the header names column '%s' twice".formatted(header.get(i)));
      }
    }
  }

  /** The fields of one line. */
  static List<String> split(String line, String where) throws DataFormatException {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      cell.setLength(0);
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            throw new DataFormatException(where, "a quoted field is not closed on its line");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              cell.append('"');
              i++;
            } else {
              break;
            }
          } else {
            cell.append(c);
          }
        }
        if (i < n && line.charAt(i) != ',') {
          throw new DataFormatException(where, "text follows a closing quote in field %d".formatted(cells.size() + 1));
        }
      } else {
        while (i < n && line.charAt(i) != ',') {
          cell.append(line.charAt(i++));
        }
      }
      cells.add(cell.toString());
      if (i >= n) {
        return cells;
      }
      i++; // the comma
    }
  }
}
