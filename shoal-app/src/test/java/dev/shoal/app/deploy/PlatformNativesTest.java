package dev.shoal.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * A node runs on linux-x86_64 or linux-aarch64, with PyTorch's CPU libraries from the
 * {@code pytorch-native-cpu} jar of its platform. No aarch64 code runs here, so this checks what
 * can be checked: the build resolved the natives jars of both platforms (into target/natives),
 * and each holds every library DJL's PyTorch engine copies out of it and loads (the
 * {@code libraries} of its {@code native/lib/pytorch.properties}, under
 * {@code pytorch/cpu/CLASSIFIER/}) as a shared object for that processor, as does the JNI jar's
 * {@code jnilib/CLASSIFIER/cpu/libdjl_torch.so}; and the container build maps each target
 * architecture to one of these platforms.
 */
class PlatformNativesTest {

  private static final Path NATIVES = Path.of("target/natives");
  /** ELF e_machine values. */
  private static final Map<String, Integer> MACHINE = Map.of("linux-x86_64", 62, "linux-aarch64", 183);

  private static Path jar(String prefix, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(NATIVES)) {
      List<Path> found = files.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(prefix) && n.endsWith(suffix);
      }).toList();
      assertThat(found).as("one %s*%s in %s (copied by the build)", prefix, suffix, NATIVES).hasSize(1);
      return found.get(0);
    }
  }

  /** ELF class 64, little-endian, a shared object, for {@code machine}. */
  private static void assertSharedObject(ZipFile zip, String entry, int machine) throws IOException {
    ZipEntry e = zip.getEntry(entry);
    assertThat(e).as(zip.getName() + " holds " + entry).isNotNull();
    byte[] head;
    try (InputStream in = zip.getInputStream(e)) {
      head = in.readNBytes(20);
    }
    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new byte[] {head[0], head[1], head[2], head[3]}).as(entry + " is ELF").containsExactly(0x7f, 'E', 'L', 'F');
    assertThat(head[4]).as(entry + " is 64-bit").isEqualTo((byte) 2);
    assertThat(head[5]).as(entry + " is little-endian").isEqualTo((byte) 1);
    assertThat(b.getShort(16)).as(entry + " is a shared object (ET_DYN)").isEqualTo((short) 3);
    assertThat(b.getShort(18) & 0xffff).as(entry + " is built for e_machine " + machine).isEqualTo(machine);
  }

  @Test
  void eachPlatformsNativesJarHoldsTheLibrariesTheEngineLoadsBuiltForItsProcessor() throws IOException {
    Map<String, String> versions = new LinkedHashMap<>();
    for (var platform : MACHINE.entrySet()) {
      String classifier = platform.getKey();
      try (ZipFile zip = new ZipFile(jar("pytorch-native-cpu-", "-" + classifier + ".jar").toFile())) {
        Properties props = new Properties();
        try (InputStream in = zip.getInputStream(zip.getEntry("native/lib/pytorch.properties"))) {
          props.load(in);
        }
        assertThat(props.getProperty("classifier")).as(zip.getName()).isEqualTo(classifier);
        assertThat(props.getProperty("flavor")).as(zip.getName()).isEqualTo("cpu");
        versions.put(classifier, props.getProperty("version"));
        List<String> libraries = List.of(props.getProperty("libraries").split(","));
        assertThat(libraries).as(zip.getName() + ": libraries").contains("libtorch.so", "libtorch_cpu.so", "libc10.so");
        for (String lib : libraries) {
          assertSharedObject(zip, "pytorch/cpu/" + classifier + "/" + lib, platform.getValue());
        }
      }
    }
    assertThat(versions.get("linux-aarch64")).as("both platforms get the same PyTorch build")
        .isEqualTo(versions.get("linux-x86_64"));

    try (ZipFile jni = new ZipFile(jar("pytorch-jni-", ".jar").toFile())) {
      for (var platform : MACHINE.entrySet()) {
        assertSharedObject(jni, "jnilib/" + platform.getKey() + "/cpu/libdjl_torch.so", platform.getValue());
      }
    }
  }

  @Test
  void theContainerBuildTakesTheNativesOfEachTargetArchitecture() throws IOException {
    Path repo = Path.of("").toAbsolutePath().getParent();
    String dockerfile = Files.readString(repo.resolve("deploy/docker/Dockerfile"));
    assertThat(dockerfile).contains("FROM --platform=$BUILDPLATFORM ", "ARG TARGETARCH",
        "-Dpytorch.native.classifier=\"$natives\"");
    Matcher m = Pattern.compile("(?m)^\\s*(\\w+)\\) natives=(\\S+) ;;").matcher(dockerfile);
    Map<String, String> mapped = new LinkedHashMap<>();
    while (m.find()) {
      mapped.put(m.group(1), m.group(2));
    }
    assertThat(mapped).containsExactly(Map.entry("amd64", "linux-x86_64"), Map.entry("arm64", "linux-aarch64"));

    String pom = Files.readString(repo.resolve("pom.xml"));
    assertThat(pom).contains("<classifier>${pytorch.native.classifier}</classifier>");
    List<String> profileArchs = new ArrayList<>();
    Matcher arch = Pattern.compile("<arch>(\\w+)</arch>\\s*</os>\\s*</activation>\\s*<properties>\\s*"
        + "<pytorch.native.classifier>(\\S+)</pytorch.native.classifier>").matcher(pom);
    while (arch.find()) {
      profileArchs.add(arch.group(1) + "=" + arch.group(2));
    }
    assertThat(profileArchs).as("the build on an ARM machine takes its natives").containsExactly("aarch64=linux-aarch64");
  }
}
