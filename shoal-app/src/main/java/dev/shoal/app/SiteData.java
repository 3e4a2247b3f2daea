package dev.shoal.app;

import dev.shoal.data.DataLoader;
import dev.shoal.data.FederatedData;
import dev.shoal.data.MnistDirectory;
import dev.shoal.data.MnistSample;
import dev.shoal.data.Schema;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/** Loads a job's data: {@code --data} in any format, else {@code --data-dir} (IDX), else the MNIST sample. */
final class SiteData {

  private SiteData() {}

  static FederatedData load(Optional<dev.shoal.data.DataSpec> spec, Optional<Path> dataDir, PrintStream console)
      throws IOException {
    if (spec.isPresent()) {
      DataLoader.Loaded loaded = DataLoader.load(spec.get());
      loaded.notes().forEach(console::println);
      console.printf("schema: %s%n", loaded.data().schema().summary());
      return loaded.data();
    }
    return dataDir.isPresent() ? MnistDirectory.load(dataDir.get()) : MnistSample.load();
  }

  /** The schema's line in the run's description; none for MNIST digits, whose runs predate schemas. */
  static String identity(Schema schema) {
    return schema.equals(MnistSample.SCHEMA) ? "" : "schema=" + schema.canonicalJson() + "\n";
  }
}
