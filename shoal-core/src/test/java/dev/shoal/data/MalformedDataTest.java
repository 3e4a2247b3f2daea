package dev.shoal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of malformed data is refused with the place (file, line or entry) and the problem. */
class MalformedDataTest {

  @TempDir Path dir;

  @Test
  void raggedCsvRowNamesFileAndLine() throws IOException {
    Path csv = csv("a,b,label\n1,2,x\n3,4\n5,6,y\n");
    assertThatThrownBy(() -> load(csv))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(csv + ":3: has 2 cells but the header has 3 columns (ragged row)");
  }

  @Test
  void nonNumericCellInANumericColumnNamesLineAndColumn() throws IOException {
    Path csv = csv("age,label\n31,x\n40,y\nn/a,x\n22,y\n");
    assertThatThrownBy(() -> load(csv))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(csv + ":4: column 'age' is 'n/a', not a number");
  }

  @Test
  void nanAndInfinityAreRefused() throws IOException {
    Path nan = csv("age,label\n31,x\nNaN,y\n");
    assertThatThrownBy(() -> load(nan)).hasMessage(nan + ":3: column 'age' is NaN; values must be finite numbers");
    Path inf = Files.writeString(dir.resolve("inf.csv"), "age,label\n31,x\n-Infinity,y\n");
    assertThatThrownBy(() -> load(inf)).hasMessage(inf + ":3: column 'age' is -Infinity; values must be finite numbers");
  }

  @Test
  void emptyCellIsRefused() throws IOException {
    Path csv = csv("age,label\n31,x\n,y\n");
    assertThatThrownBy(() -> load(csv)).hasMessage(csv + ":3: column 'age' is empty; every cell needs a value");
  }

  @Test
  void labelOutsideTheDeclaredClassesNamesLine() throws IOException {
    Path csv = csv("age,colour,label\n31,red,x\n40,blue,y\n50,red,z\n");
    var declaration = new CsvDeclaration("label", Task.BINARY, List.of("x", "y"), List.of(
        CsvDeclaration.Column.numeric("age", 40, 10), CsvDeclaration.Column.categorical("colour", List.of("blue", "red"))));
    assertThatThrownBy(() -> CsvLoader.load(csv, "label", Optional.empty(), Optional.of(declaration)))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(csv + ":4: label 'label' is 'z', not one of the declared classes [x, y]");
  }

  @Test
  void categoryOutsideTheDeclaredVocabularyNamesLine() throws IOException {
    Path csv = csv("age,colour,label\n31,red,x\n40,green,y\n");
    var declaration = new CsvDeclaration("label", Task.BINARY, List.of("x", "y"), List.of(
        CsvDeclaration.Column.numeric("age", 40, 10), CsvDeclaration.Column.categorical("colour", List.of("blue", "red"))));
    assertThatThrownBy(() -> CsvLoader.load(csv, "label", Optional.empty(), Optional.of(declaration)))
        .hasMessage(csv + ":3: column 'colour' is 'green', not one of its declared values [blue, red]");
  }

  @Test
  void missingLabelColumnSaysWhichColumnsThereAre() throws IOException {
    Path csv = csv("a,b\n1,2\n3,4\n");
    assertThatThrownBy(() -> load(csv))
        .hasMessage(csv + ": has no column 'label' for the label; its columns are [a, b]; name the label column with --label");
  }

  @Test
  void npzWithNanNamesTheEntryAndPosition() throws IOException {
    Path npz = npz("bad.npz", x(2, 2, new float[] {1, 2, Float.NaN, 4}), y(new float[] {0, 1}));
    assertThatThrownBy(() -> DataLoader.load(DataSpec.of(npz, 1)))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(npz + "!x.npy: value 2 (at [1, 0]) is NaN; data must be finite numbers");
  }

  @Test
  void npzWithoutYOrWithTooFewTargetsIsRefused() throws IOException {
    Path noY = npz("noy.npz", x(2, 2, new float[4]), null);
    assertThatThrownBy(() -> DataLoader.load(DataSpec.of(noY, 1)))
        .hasMessageStartingWith(noY + ": has no array 'y'");
    Path short_ = npz("short.npz", x(3, 2, new float[6]), y(new float[] {0, 1}));
    assertThatThrownBy(() -> DataLoader.load(DataSpec.of(short_, 1)))
        .hasMessage(short_ + "!y.npy: has shape [2] but x holds 3 examples; y needs one target per example");
  }

  @Test
  void undecodableImageIsNamed() throws IOException {
    Files.createDirectories(dir.resolve("images/cat"));
    Files.createDirectories(dir.resolve("images/dog"));
    png(dir.resolve("images/cat/1.png"), 4, 4);
    png(dir.resolve("images/dog/1.png"), 4, 4);
    Path broken = Files.write(dir.resolve("images/dog/2.png"), "not an image".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> DataLoader.load(DataSpec.of(dir.resolve("images"), 1)))
        .isInstanceOf(DataFormatException.class)
        .hasMessageStartingWith(broken + ": does not decode as an image");
  }

  @Test
  void unknownFormatSaysWhatIsRead() throws IOException {
    Path txt = Files.writeString(dir.resolve("data.txt"), "1 2 3");
    assertThatThrownBy(() -> DataLoader.load(DataSpec.of(txt, 1)))
        .hasMessageContaining(txt + ": is not a format Shoal reads");
  }

  @Test
  void aSiteWhoseSchemaDiffersIsRefusedNamingTheDifference() {
    Schema federation = Schema.indexed(Task.CLASSIFICATION, new int[] {4}, 3);
    Schema site = Schema.indexed(Task.CLASSIFICATION, new int[] {4}, 2);
    assertThatThrownBy(() -> federation.requireSame(site, "site-1's data"))
        .isInstanceOf(SchemaMismatchException.class)
        .hasMessage("data schema differs in classes: site-1's data has [0, 1], expected [0, 1, 2]");
  }

  @Test
  void wellFormedCsvWithCategoriesIsOneHotAndStandardised() throws IOException {
    Path csv = csv("age,colour,label\n30,red,x\n50,blue,y\n40,red,x\n");
    DataLoader.Loaded loaded = DataLoader.load(new DataSpec(csv, Optional.empty(), "label", Optional.empty(),
        Optional.empty(), 0.34, 1));
    Schema schema = loaded.data().schema();
    assertThat(schema.task()).isEqualTo(Task.BINARY);
    assertThat(schema.featureNames()).containsExactly("age", "colour=blue", "colour=red");
    assertThat(loaded.notes()).anyMatch(n -> n.startsWith("task: binary (inferred: label 'label' has 2 distinct text values [x, y]"));
    Dataset all = CsvLoader.load(csv, "label", Optional.empty(), Optional.empty()).data();
    assertThat(all.features()).containsExactly(
        (float) (-10 / Math.sqrt(200.0 / 3)), 0, 1, (float) (10 / Math.sqrt(200.0 / 3)), 1, 0, 0, 0, 1);
    assertThat(all.targets()).containsExactly(0, 1, 0);
  }

  private Path csv(String text) throws IOException {
    return Files.writeString(dir.resolve("data.csv"), text);
  }

  private static DataLoader.Loaded load(Path csv) throws IOException {
    return DataLoader.load(DataSpec.of(csv, 1));
  }

  private static byte[] x(int n, int d, float[] values) {
    return Npy.write(new int[] {n, d}, values);
  }

  private static byte[] y(float[] values) {
    return Npy.write(new int[] {values.length}, values);
  }

  private Path npz(String name, byte[] x, byte[] y) throws IOException {
    Path file = dir.resolve(name);
    try (var zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry("x.npy"));
      zip.write(x);
      if (y != null) {
        zip.putNextEntry(new ZipEntry("y.npy"));
        zip.write(y);
      }
    }
    return file;
  }

  static void png(Path file, int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(1, 1, 0, 200);
    ImageIO.write(img, "png", file.toFile());
  }
}
