package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No package of a Shoal library module depends, directly or through others, on a package that
 * depends on it: the packages of each module form layers a reader can take one at a time. The
 * dependencies are read from the compiled classes by the JDK's jdeps, so every reference counts,
 * imported or fully qualified.
 */
class PackageCyclesTest {

  static Stream<Arguments> modules() {
    return Stream.of(
        Arguments.of("shoal-core", dev.shoal.tensor.Tensor.class),
        Arguments.of("shoal-ledger", dev.shoal.ledger.LedgerLog.class),
        Arguments.of("shoal-store", dev.shoal.store.BlobStore.class),
        Arguments.of("shoal-pki", dev.shoal.pki.CertificateAuthority.class),
        Arguments.of("shoal-transport", dev.shoal.transport.FederationService.class),
        Arguments.of("shoal-djl", dev.shoal.djl.ModelZoo.class),
        Arguments.of("shoal-anchor", dev.shoal.anchor.LedgerAnchor.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void theModulesPackagesHaveNoCycle(String module, Class<?> member) {
    PackageGraph graph = PackageGraph.of(PackageGraph.locationOf(member));
    assertThat(graph.packages()).contains(member.getPackageName());
    List<String> cycles = graph.cycles().stream().map(graph::describe).toList();
    assertThat(cycles).as("package cycles in %s", module).isEmpty();
  }

  @Test
  void theCorePackagesAreThoseTheArchitecturePageDraws() throws IOException {
    PackageGraph core = PackageGraph.of(PackageGraph.locationOf(dev.shoal.tensor.Tensor.class));
    // the coordinator's engine and the node's loop meet only in the shared packages below them
    assertThat(core.uses("dev.shoal.round")).doesNotContain("dev.shoal.node");
    assertThat(core.uses("dev.shoal.node")).doesNotContain("dev.shoal.round");

    Map<String, Set<String>> drawn = drawnPackages();
    Map<String, Set<String>> actual = new TreeMap<>();
    for (String p : core.packages()) {
      actual.put(shortName(p), core.uses(p).stream().map(PackageCyclesTest::shortName)
          .collect(Collectors.toCollection(TreeSet::new)));
    }
    List<String> wrong = new ArrayList<>();
    for (String p : union(drawn.keySet(), actual.keySet())) {
      if (!Objects.equals(drawn.get(p), actual.get(p))) {
        wrong.add("%s: the page says %s, the classes %s".formatted(p,
            drawn.containsKey(p) ? "it uses " + drawn.get(p) : "nothing (no row)",
            actual.containsKey(p) ? "use " + actual.get(p) : "have no such package"));
      }
    }
    assertThat(wrong).as("rows of the table in docs/architecture.md, section '%s'", SECTION).isEmpty();
  }

  private static final String SECTION = "## Packages of shoal-core";

  /** Each package of the table in that section with the packages its last column says it uses. */
  private static Map<String, Set<String>> drawnPackages() throws IOException {
    Path page = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null && page == null; d = d.getParent()) {
      Path candidate = d.resolve("docs/architecture.md");
      page = Files.isRegularFile(candidate) ? candidate : null;
    }
    assertThat(page).as("docs/architecture.md above the working directory").isNotNull();
    String text = Files.readString(page);
    assertThat(text).contains(SECTION);
    String section = text.substring(text.indexOf(SECTION));
    int end = section.indexOf("\n## ", 1);
    section = end < 0 ? section : section.substring(0, end);
    Map<String, Set<String>> drawn = new TreeMap<>();
    Pattern row = Pattern.compile("^\\| `(\\w+)` \\|.*\\| ([^|]*) \\|$", Pattern.MULTILINE);
    Matcher m = row.matcher(section);
    while (m.find()) {
      Set<String> uses = new TreeSet<>();
      Matcher name = Pattern.compile("`(\\w+)`").matcher(m.group(2));
      while (name.find()) {
        uses.add(name.group(1));
      }
      drawn.put(m.group(1), uses);
    }
    return drawn;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  private static String shortName(String pkg) {
    return pkg.substring("dev.shoal.".length());
  }

  @Test
  void aCycleIsFoundAndNamedWithTheReferencesThatMakeIt(@TempDir Path dir) throws IOException {
    Path classes = compile(dir, "cyc.a.A", "package cyc.a; public class A { cyc.b.B b; }",
        "cyc.b.B", "package cyc.b; public class B { cyc.c.C c; }",
        "cyc.c.C", "package cyc.c; public class C { cyc.a.A a; }",
        "cyc.d.D", "package cyc.d; public class D { cyc.a.A a; }");
    PackageGraph graph = PackageGraph.of(classes);
    assertThat(graph.cycles()).hasSize(1);
    assertThat(graph.describe(graph.cycles().get(0))).isEqualTo("""
        cyc.a -> cyc.b -> cyc.c -> cyc.a
          cyc.a -> cyc.b: cyc.a.A -> cyc.b.B
          cyc.b -> cyc.c: cyc.b.B -> cyc.c.C
          cyc.c -> cyc.a: cyc.c.C -> cyc.a.A""");
  }

  @Test
  void layersWithoutACycleHaveNone(@TempDir Path dir) throws IOException {
    Path classes = compile(dir, "cyc.a.A", "package cyc.a; public class A { cyc.b.B b; cyc.c.C c; }",
        "cyc.b.B", "package cyc.b; public class B { cyc.c.C c; }",
        "cyc.c.C", "package cyc.c; public class C {}");
    assertThat(PackageGraph.of(classes).cycles()).isEmpty();
  }

  /** Compiles pairs of (class name, source) into {@code dir/classes}. */
  private static Path compile(Path dir, String... namesAndSources) throws IOException {
    Path src = dir.resolve("src");
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    String[] args = new String[namesAndSources.length / 2 + 2];
    args[0] = "-d";
    args[1] = classes.toString();
    for (int i = 0; i < namesAndSources.length; i += 2) {
      Path file = src.resolve(namesAndSources[i].replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, namesAndSources[i + 1]);
      args[i / 2 + 2] = file.toString();
    }
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = javac.run(System.out, new java.io.PrintStream(err), args);
    assertThat(status).as("javac: %s", err).isZero();
    return classes;
  }
}
