package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed data and data a model does not take stop a run with one line naming the place, no stack trace. */
class DataCommandLineTest extends InProcessCommandTest {

  @TempDir Path dir;

  @Test
  void aMalformedCsvStopsTheRunWithFileLineAndProblem() throws Exception {
    Path csv = Files.writeString(dir.resolve("sites.csv"), "age,y\n31,a\n40,b\nabc,a\n");

    int code = shoal("simulate", "--data", csv.toString(), "--label", "y", "--clients", "2", "--rounds", "1",
        "--out", dir.resolve("run").toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("error: " + csv + ":4: column 'age' is 'abc', not a number");
    assertThat(dir.resolve("run").resolve("model.safetensors")).doesNotExist();
  }

  @Test
  void dataOfAShapeTheModelDoesNotTakeIsRefused() throws Exception {
    Path csv = Files.writeString(dir.resolve("t.csv"), "a,b,y\n1,2,0\n2,3,1\n3,1,0\n4,4,1\n5,0,0\n6,1,1\n7,2,0\n8,3,1\n9,9,0\n0,0,1\n");

    int code = shoal("simulate", "--model", "cnn", "--data", csv.toString(), "--label", "y", "--clients", "2",
        "--rounds", "1", "--out", dir.resolve("run").toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: model 'cnn' takes images of shape [channels, height, width]")
        .contains("the data's examples have shape [2]").doesNotContain("\tat ");
  }

  @Test
  void aWrongTaskIsBadUsageNamingTheAllowedOnes() {
    int code = shoal("simulate", "--data", "x.csv", "--task", "ranking", "--rounds", "1");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("error: --task: unknown task 'ranking'; use one of classification, binary, regression");
  }

  @Test
  void anUnknownLossOrOptimizerIsBadUsageAndAnOutOfRangeSettingFails() {
    assertThat(shoal("simulate", "--loss", "hinge", "--rounds", "1", "--out", dir.resolve("run").toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: unknown loss 'hinge'").hasLineCount(1);

    assertThat(shoal("simulate", "--optimizer", "lion", "--rounds", "1", "--out", dir.resolve("run").toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: unknown optimizer 'lion'").hasLineCount(1);

    assertThat(shoal("simulate", "--clip-norm", "-1", "--rounds", "1", "--out", dir.resolve("run").toString())).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("error: --clip-norm must be 0 (off) or positive, got -1.0");
    assertThat(dir.resolve("run")).doesNotExist();
  }
}
