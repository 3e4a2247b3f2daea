package dev.shoal.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Engine threads and memory limit from options and cgroup limits, and how they are shown. */
class ResourcesTest {

  static final OptionalDouble ONE_CPU = OptionalDouble.of(1.0);
  static final OptionalLong FOUR_GIB = OptionalLong.of(4L << 30);

  @Test
  void autoThreadsAreTheCpusThisProcessMayUse() {
    assertThat(Resources.autoThreads(2, 0)).isEqualTo(2);
    assertThat(Resources.autoThreads(2, 1.0)).isEqualTo(1);
    assertThat(Resources.autoThreads(4, 1.5)).isEqualTo(2);
    assertThat(Resources.autoThreads(4, 0.2)).isEqualTo(1);
    assertThat(Resources.autoThreads(2, 8)).isEqualTo(2);
    assertThat(Resources.autoThreads(0, 0)).isEqualTo(1);
  }

  @Test
  void theQuotaDecidesWhenItIsSmaller() {
    Resources r = Resources.resolve(OptionalInt.empty(), OptionalLong.empty(), 2, ONE_CPU, FOUR_GIB, 10);
    assertThat(r.engineThreads()).isEqualTo(1);
    assertThat(r.threadsFrom()).isEqualTo(Resources.ThreadsFrom.CGROUP);
    assertThat(r.describe()).isEqualTo(
        "engine threads 1 (cgroup CPU quota 1.00 of 2 CPUs), memory limit 4.0 GiB (cgroup), nice 10");
    assertThat(r.threadsShort()).isEqualTo("1 (quota 1.00)");
    assertThat(r.memory()).isEqualTo("4.0 GiB (cgroup)");
  }

  @Test
  void withoutLimitsEveryCpu() {
    Resources r = Resources.resolve(OptionalInt.empty(), OptionalLong.empty(), 2, OptionalDouble.empty(), OptionalLong.empty(), 0);
    assertThat(r.engineThreads()).isEqualTo(2);
    assertThat(r.threadsFrom()).isEqualTo(Resources.ThreadsFrom.PROCESSORS);
    assertThat(r.describe()).isEqualTo("engine threads 2 (2 CPUs, no cgroup CPU quota), memory limit none, nice 0");
    assertThat(r.threadsShort()).isEqualTo("2 (2 CPUs)");
    assertThat(r.memory()).isEqualTo("none");
  }

  @Test
  void aQuotaAboveTheCpusLeavesTheCpus() {
        Resources r = Resources.resolve(OptionalInt.empty(), OptionalLong.empty(), 2, OptionalDouble.of(3.0), OptionalLong.empty(), 0);
    assertThat(r.engineThreads()).isEqualTo(2);
    assertThat(r.threadsFrom()).isEqualTo(Resources.ThreadsFrom.PROCESSORS);
  }

  @Test
  void optionsWin() {
    Resources r = Resources.resolve(OptionalInt.of(3), OptionalLong.of(1L << 30), 2, ONE_CPU, FOUR_GIB, 0);
    assertThat(r.engineThreads()).isEqualTo(3);
    assertThat(r.threadsShort()).isEqualTo("3 (--threads)");
    assertThat(r.memory()).isEqualTo("1.0 GiB (--max-memory)");
    assertThat(r.describe()).startsWith("engine threads 3 (--threads; cgroup CPU quota 1.00 of 2 CPUs)");
  }

  @Test
  void maxMemoryAboveTheCgroupLimitIsRefused() {
    assertThatThrownBy(() -> Resources.resolve(OptionalInt.empty(), OptionalLong.of(8L << 30), 2, ONE_CPU, FOUR_GIB, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--max-memory 8.0 GiB exceeds this process's cgroup memory limit of 4.0 GiB");
    assertThatThrownBy(() -> Resources.resolve(OptionalInt.of(0), OptionalLong.empty(), 2, ONE_CPU, FOUR_GIB, 0))
        .hasMessage("--threads must be at least 1, got 0");
  }

  @Test
  void cpuLists() {
    assertThat(Resources.cpuListSize("0-1")).isEqualTo(2);
    assertThat(Resources.cpuListSize("0-3,8,10-11\n")).isEqualTo(7);
    assertThat(Resources.cpuListSize("5")).isEqualTo(1);
    assertThatThrownBy(() -> Resources.cpuListSize("3-1")).hasMessage("not a CPU list: '3-1'");
  }

  @Test
  void sizes() {
    assertThat(Resources.parseSize("2g")).isEqualTo(2L << 30);
    assertThat(Resources.parseSize("512M")).isEqualTo(512L << 20);
    assertThat(Resources.parseSize("1.5GiB")).isEqualTo(3L << 29);
    assertThat(Resources.parseSize("64k")).isEqualTo(64L << 10);
    assertThat(Resources.parseSize("1000")).isEqualTo(1000);
    assertThatThrownBy(() -> Resources.parseSize("two gigs")).hasMessageContaining("not a size: 'two gigs'");
    assertThatThrownBy(() -> Resources.parseSize("-1g")).hasMessageContaining("not a size");
    assertThat(Resources.bytes(4L << 30)).isEqualTo("4.0 GiB");
    assertThat(Resources.bytes(1536L << 20)).isEqualTo("1.5 GiB");
    assertThat(Resources.bytes(100)).isEqualTo("100 B");
  }
}
