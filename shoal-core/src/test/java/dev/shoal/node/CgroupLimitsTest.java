package dev.shoal.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.federation.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cgroup v1 and v2 limits, read from synthetic /proc and cgroup files under a temporary root. */
class CgroupLimitsTest {

  static final String V1_MOUNTS = """
      31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
      32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct
      35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
      41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
      """;

  static final String V2_MOUNTS = """
      25 20 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
      """;

  @TempDir Path root;

  void write(String path, String text) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  void proc(String cgroup, String mountinfo) throws IOException {
    write("proc/self/cgroup", cgroup);
    write("proc/self/mountinfo", mountinfo);
  }

  @Test
  void v1QuotaAndMemoryOfTheProcessGroup() throws IOException {
    proc("4:memory:/jobs/node\n3:cpu,cpuacct:/jobs/node\n0::/\n", V1_MOUNTS);
    write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
    write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
    write("sys/fs/cgroup/cpu,cpuacct/jobs/node/cpu.cfs_quota_us", "100000\n");
    write("sys/fs/cgroup/cpu,cpuacct/jobs/node/cpu.cfs_period_us", "100000\n");
    write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
    write("sys/fs/cgroup/memory/jobs/node/memory.limit_in_bytes", Long.toString(4L << 30));
    CgroupLimits l = CgroupLimits.read(root);
    assertThat(l.cpuQuota()).hasValue(1.0);
    assertThat(l.memoryLimitBytes()).hasValue(4L << 30);
  }

  @Test
  void v1ParentLimitBindsTheNestedGroup() throws IOException {
    proc("3:cpu,cpuacct:/a/b/c\n4:memory:/a/b/c\n", V1_MOUNTS);
    write("sys/fs/cgroup/cpu,cpuacct/a/cpu.cfs_quota_us", "150000");
    write("sys/fs/cgroup/cpu,cpuacct/a/cpu.cfs_period_us", "100000");
    write("sys/fs/cgroup/cpu,cpuacct/a/b/c/cpu.cfs_quota_us", "-1");
    write("sys/fs/cgroup/cpu,cpuacct/a/b/c/cpu.cfs_period_us", "100000");
    write("sys/fs/cgroup/memory/a/b/memory.limit_in_bytes", "1073741824");
    write("sys/fs/cgroup/memory/a/b/c/memory.limit_in_bytes", "2147483648");
    CgroupLimits l = CgroupLimits.read(root);
    assertThat(l.cpuQuota()).hasValue(1.5);
    assertThat(l.memoryLimitBytes()).hasValue(1L << 30);
    assertThat(Resources.autoThreads(4, l.cpuQuota().getAsDouble())).isEqualTo(2);
  }

  @Test
  void v1NoLimits() throws IOException {
    proc("3:cpu,cpuacct:/\n4:memory:/\n", V1_MOUNTS);
    write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1");
    write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000");
    write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712");
    assertThat(CgroupLimits.read(root)).isEqualTo(CgroupLimits.NONE);
  }

  @Test
  void v2CpuMaxAndMemoryMaxUpTheTree() throws IOException {
    proc("0::/system.slice/shoal-node.service\n", V2_MOUNTS);
    write("sys/fs/cgroup/system.slice/cpu.max", "max 100000\n");
    write("sys/fs/cgroup/system.slice/memory.max", "8589934592\n");
    write("sys/fs/cgroup/system.slice/shoal-node.service/cpu.max", "50000 100000\n");
    write("sys/fs/cgroup/system.slice/shoal-node.service/memory.max", "max\n");
    CgroupLimits l = CgroupLimits.read(root);
    assertThat(l.cpuQuota()).hasValue(0.5);
    assertThat(l.memoryLimitBytes()).hasValue(8L << 30);
    assertThat(Resources.autoThreads(2, 0.5)).isEqualTo(1);
  }

  @Test
  void v2Unlimited() throws IOException {
    proc("0::/user.slice\n", V2_MOUNTS);
    write("sys/fs/cgroup/user.slice/cpu.max", "max 100000\n");
    write("sys/fs/cgroup/user.slice/memory.max", "max\n");
    assertThat(CgroupLimits.read(root)).isEqualTo(CgroupLimits.NONE);
  }

  @Test
  void v2FractionalQuota() throws IOException {
    proc("0::/job\n", V2_MOUNTS);
    write("sys/fs/cgroup/job/cpu.max", "150000 100000\n");
    CgroupLimits l = CgroupLimits.read(root);
    assertThat(l.cpuQuota()).hasValue(1.5);
    assertThat(l.memoryLimitBytes()).isEmpty();
  }

  @Test
  void containerNamespaceSeesItsGroupAsTheMountRoot() throws IOException {
    // inside a container with a cgroup namespace: the mount's root is the container's group
    proc("0::/\n", "30 25 0:26 /docker/abc /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw\n");
    write("sys/fs/cgroup/cpu.max", "200000 100000\n");
    write("sys/fs/cgroup/memory.max", "536870912\n");
    CgroupLimits l = CgroupLimits.read(root);
    assertThat(l.cpuQuota()).hasValue(2.0);
    assertThat(l.memoryLimitBytes()).hasValue(512L << 20);
  }

  @Test
  void v1MountOfASubtree() throws IOException {
    // the hierarchy is mounted from /kubepods; the process is in /kubepods/pod1/ctr
    proc("3:cpu,cpuacct:/kubepods/pod1/ctr\n",
        "32 31 0:29 /kubepods /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu,cpuacct\n");
    write("sys/fs/cgroup/cpu/pod1/ctr/cpu.cfs_quota_us", "250000");
    write("sys/fs/cgroup/cpu/pod1/ctr/cpu.cfs_period_us", "100000");
    assertThat(CgroupLimits.read(root).cpuQuota()).hasValue(2.5);
    assertThat(Resources.autoThreads(8, 2.5)).isEqualTo(3);
    assertThat(Resources.autoThreads(2, 2.5)).isEqualTo(2);
  }

  @Test
  void hybridTakesCpuFromV1AndIgnoresAnEmptyV2() throws IOException {
    proc("3:cpu,cpuacct:/x\n0::/x\n", V1_MOUNTS);
    write("sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_quota_us", "200000");
    write("sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_period_us", "100000");
    Files.createDirectories(root.resolve("sys/fs/cgroup/unified/x"));
    assertThat(CgroupLimits.read(root).cpuQuota()).hasValue(2.0);
  }

  @Test
  void noProcFilesMeansNoLimits() {
    assertThat(CgroupLimits.read(root)).isEqualTo(CgroupLimits.NONE);
  }

  @Test
  void unreadableValuesCountAsNoLimit() throws IOException {
    proc("0::/job\n", V2_MOUNTS);
    write("sys/fs/cgroup/job/cpu.max", "garbage\n");
    write("sys/fs/cgroup/job/memory.max", "\n");
    assertThat(CgroupLimits.read(root)).isEqualTo(CgroupLimits.NONE);
  }
}
