package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Updates received over the network are files read one tensor at a time ({@link SafetensorsFile});
 * each robust strategy gives the same model from them as from the same updates in memory.
 */
class FileBackedRobustTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"fedmedian", "fedtrimmedavg", "krum", "multikrum", "bulyan", "geomedian"})
  void aggregatesUpdatesReadLazilyFromFilesAsFromMemory(String name) throws Exception {
    List<ParameterSet> updates = RobustProperties.updates(7, 11, 3);
    FitAggregation inMemory = Robust.fold(Robust.create(name, 7), Robust.model(0, 0, 0), updates);
    FitAggregation fromFiles = Robust.create(name, 7).beginFit(1, Robust.model(0, 0, 0));
    for (int i = 0; i < updates.size(); i++) {
      Path f = dir.resolve(name + i + ".safetensors");
      Safetensors.write(updates.get(i), f);
      fromFiles.add(new FitReply("c%02d".formatted(i), SafetensorsFile.open(f), 1, Map.of()));
    }
    assertThat(Robust.values(fromFiles.result())).containsExactly(Robust.values(inMemory.result()));
  }
}
