package dev.shoal.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each format is found from the path and read; what a partition writes reads back alike. */
class DataLoaderTest {

  @TempDir Path dir;

  @Test
  void npzWithIntegerTargetsIsClassificationWithItsShape() throws IOException {
    float[] x = new float[6 * 2 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = i / 10f;
    }
    Path npz = dir.resolve("d.npz");
    NpzFile.write(new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {2, 3}, 3), x,
        new float[] {0, 1, 2, 0, 1, 2}), npz);

    DataLoader.Loaded loaded = DataLoader.load(new DataSpec(npz, Optional.empty(), "label", Optional.empty(),
        Optional.empty(), 0.5, 1));

    assertThat(loaded.format()).isEqualTo("npz");
    assertThat(loaded.data().schema().inputShape()).containsExactly(2, 3);
    assertThat(loaded.data().schema().classCount()).isEqualTo(3);
    assertThat(loaded.data().train().size() + loaded.data().test().size()).isEqualTo(6);
  }

  @Test
  void imageFolderKeepsChannelsResizesAndNamesClassesByFolder() throws IOException {
    for (String c : List.of("cat", "dog")) {
      Files.createDirectories(dir.resolve("pets").resolve(c));
      for (int i = 0; i < 3; i++) {
        MalformedDataTest.png(dir.resolve("pets").resolve(c).resolve(i + ".png"), i == 2 ? 8 : 4, 4);
      }
    }

    DataLoader.Loaded loaded = DataLoader.load(DataSpec.of(dir.resolve("pets"), 1));

    Schema s = loaded.data().schema();
    assertThat(loaded.format()).isEqualTo("images");
    assertThat(s.inputShape()).containsExactly(1, 4, 4);
    assertThat(s.classes()).containsExactly("cat", "dog");
    assertThat(s.task()).isEqualTo(Task.BINARY);
  }

  @Test
  void aPartitionOfTabularDataReadsBackWithItsSchema() throws IOException {
    Path csv = Files.writeString(dir.resolve("t.csv"), "a,b,y\n1,2,0.5\n2,3,1.5\n3,1,2.5\n4,4,3.25\n5,0,9\n");
    FederatedData data = DataLoader.load(new DataSpec(csv, Optional.empty(), "y", Optional.empty(),
        Optional.empty(), 0.4, 1)).data();
    assertThat(data.schema().task()).isEqualTo(Task.REGRESSION);

    DataLoader.save(data, dir.resolve("site"));
    FederatedData back = DataLoader.load(DataSpec.of(dir.resolve("site"), 1)).data();

    assertThat(back.schema()).isEqualTo(data.schema());
    assertThat(back.train().features()).containsExactly(data.train().features());
    assertThat(back.test().targets()).containsExactly(data.test().targets());
  }

  @Test
  void regressionTargetsAreSplitByDirichletOverTheirQuantileBins() throws IOException {
    float[] y = new float[200];
    for (int i = 0; i < y.length; i++) {
      y[i] = i * 0.5f;
    }
    Dataset d = new Dataset(new Schema(Task.REGRESSION, List.of(1), List.of(), List.of()), y.clone(), y);
    int[] strata = d.strata();
    assertThat(strata[0]).isZero();
    assertThat(strata[199]).isEqualTo(Dataset.STRATA_BINS - 1);

    var parts = new Partitioner.Dirichlet(0.1).split(new FederatedData(d, d), 4, 5);

    assertThat(parts.stream().mapToInt(p -> p.train().size()).sum()).isEqualTo(200);
    assertThat(parts).allMatch(p -> p.train().size() > 0);
  }
}
