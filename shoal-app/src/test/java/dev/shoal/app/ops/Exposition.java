package dev.shoal.app.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A scrape of {@code /metrics} in the Prometheus text format, parsed: types and samples. */
record Exposition(String contentType, Map<String, String> types, List<Sample> samples) {

  /** One line {@code name{labels} value}. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  /** GETs {@code url} and parses what it answers; fails unless it answers 200. */
  static Exposition scrape(String url) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + url + " answered " + r.statusCode() + ": " + r.body());
    }
    return parse(r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  static Exposition parse(String contentType, String text) {
    Map<String, String> types = new LinkedHashMap<>();
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] f = line.split(" ");
        types.put(f[2], f[3]);
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a sample line of the text format: " + line);
      }
      Map<String, String> labels = new TreeMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new Exposition(contentType, types, samples);
  }

  /** The value of the one sample {@code name} whose labels include {@code labels} (name, value, ...). */
  double value(String name, String... labels) {
    List<Sample> found = find(name, labels);
    if (found.size() != 1) {
      throw new AssertionError("expected one sample %s%s, found %s".formatted(name, List.of(labels), found));
    }
    return found.get(0).value();
  }

  /** Whether any sample {@code name} is exposed. */
  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  Optional<String> type(String name) {
    return Optional.ofNullable(types.get(name));
  }

  List<Sample> find(String name, String... labels) {
    Map<String, String> want = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(want.entrySet())).toList();
  }

  /** Every sample name exposed. */
  Set<String> names() {
    return samples.stream().map(Sample::name).collect(Collectors.toCollection(java.util.TreeSet::new));
  }
}
