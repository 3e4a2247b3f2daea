package dev.shoal.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The CPU quota and memory limit the Linux control groups put on this process, for cgroup v1
 * ({@code cpu.cfs_quota_us} / {@code cpu.cfs_period_us}, {@code memory.limit_in_bytes}) and v2
 * ({@code cpu.max}, {@code memory.max}). The process's groups come from {@code /proc/self/cgroup},
 * where they are mounted from {@code /proc/self/mountinfo}. A limit set on a parent group binds
 * its children too, so every level from the process's group up to the mount's root is read and the
 * tightest limit wins; {@code max} and {@code -1} mean no limit.
 *
 * @param cpuQuota CPUs' worth of time per period (1.5: one and a half CPUs), if any level sets one
 * @param memoryLimitBytes the memory limit in bytes, if any level sets one
 */
public record CgroupLimits(OptionalDouble cpuQuota, OptionalLong memoryLimitBytes) {

  /** No limits (no cgroups, or none set). */
  public static final CgroupLimits NONE = new CgroupLimits(OptionalDouble.empty(), OptionalLong.empty());

  /** cgroup v1 writes "no limit" as the largest page-aligned long; anything this large is no limit. */
  private static final long UNLIMITED_MEMORY = 1L << 62;

  /** The limits of this process, read from {@code /proc} and {@code /sys/fs/cgroup}. */
  public static CgroupLimits detect() {
    return read(Path.of("/"));
  }

  /**
   * The limits as they appear under {@code root}: {@code root/proc/self/cgroup}, {@code
   * root/proc/self/mountinfo}, and the mount points named there taken relative to {@code root}.
   * Without those files (not Linux) there are no limits.
   */
  public static CgroupLimits read(Path root) {
    Path cgroupFile = root.resolve("proc/self/cgroup");
    Path mountinfo = root.resolve("proc/self/mountinfo");
    if (!Files.isReadable(cgroupFile) || !Files.isReadable(mountinfo)) {
      return NONE;
    }
    List<Membership> memberships = memberships(lines(cgroupFile));
    List<Mount> mounts = mounts(lines(mountinfo));
    double cpu = Double.POSITIVE_INFINITY;
    long memory = Long.MAX_VALUE;
    for (Membership m : memberships) {
      for (Mount mount : mounts) {
        if (!mount.serves(m)) {
          continue;
        }
        for (Path dir : levels(root, mount, m.path())) {
          if (mount.v2()) {
            cpu = Math.min(cpu, cpuMax(dir.resolve("cpu.max")));
            memory = Math.min(memory, memoryValue(dir.resolve("memory.max")));
          } else {
            if (m.controllers().contains("cpu")) {
              cpu = Math.min(cpu, cfsQuota(dir));
            }
            if (m.controllers().contains("memory")) {
              memory = Math.min(memory, memoryValue(dir.resolve("memory.limit_in_bytes")));
            }
          }
        }
      }
    }
    return new CgroupLimits(cpu == Double.POSITIVE_INFINITY ? OptionalDouble.empty() : OptionalDouble.of(cpu),
        memory == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(memory));
  }

  /** One line of {@code /proc/self/cgroup}: hierarchy id, controllers (empty for v2), path. */
  private record Membership(List<String> controllers, String path) {}

  /** A cgroup file system mount: its root within the hierarchy, where it is mounted, its options. */
  private record Mount(String root, String mountPoint, boolean v2, List<String> options) {
    boolean serves(Membership m) {
      return v2 ? m.controllers().isEmpty() : m.controllers().stream().anyMatch(options::contains);
    }
  }

  private static List<Membership> memberships(List<String> lines) {
    List<Membership> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split(":", 3);
      if (f.length == 3) {
        out.add(new Membership(f[1].isEmpty() ? List.of() : List.of(f[1].split(",")), f[2]));
      }
    }
    return out;
  }

  /** mountinfo: {@code id parent major:minor root mountpoint options [optional...] - fstype source superoptions}. */
  private static List<Mount> mounts(List<String> lines) {
    List<Mount> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      int dash = List.of(f).indexOf("-");
      if (dash < 5 || dash + 1 >= f.length) {
        continue;
      }
      String type = f[dash + 1];
      if (type.equals("cgroup2") || type.equals("cgroup")) {
        List<String> options = dash + 3 < f.length ? List.of(f[dash + 3].split(",")) : List.of();
        out.add(new Mount(unescape(f[3]), unescape(f[4]), type.equals("cgroup2"), options));
      }
    }
    return out;
  }

  /** mountinfo escapes space, tab, newline and backslash as octal. */
  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }

  /**
   * The directories of the group {@code path} and its parents up to the mount's root. A path
   * outside the mount's root (a cgroup namespace shows the group as its root) is the mount point.
   */
  private static List<Path> levels(Path root, Mount mount, String path) {
    Path mountPoint = root.resolve(mount.mountPoint().substring(1));
    String relative;
    if (mount.root().equals("/")) {
      relative = path;
    } else if (path.equals(mount.root()) || path.startsWith(mount.root() + "/")) {
      relative = path.substring(mount.root().length());
    } else {
      relative = "/";
    }
    List<Path> out = new ArrayList<>();
    Path dir = mountPoint.resolve(relative.replaceFirst("^/+", ""));
    while (dir.startsWith(mountPoint)) {
      out.add(dir);
      if (dir.equals(mountPoint)) {
        break;
      }
      dir = dir.getParent();
    }
    return out;
  }

  /** v2 {@code cpu.max}: "QUOTA PERIOD" or "max PERIOD". */
  private static double cpuMax(Path file) {
    String text = contents(file);
    if (text == null) {
      return Double.POSITIVE_INFINITY;
    }
    String[] f = text.split("\\s+");
    if (f[0].equals("max")) {
      return Double.POSITIVE_INFINITY;
    }
    return quota(number(f[0]), f.length > 1 ? number(f[1]) : 100_000);
  }

  /** v1 {@code cpu.cfs_quota_us} (-1: none) over {@code cpu.cfs_period_us}. */
  private static double cfsQuota(Path dir) {
    String quota = contents(dir.resolve("cpu.cfs_quota_us"));
    String period = contents(dir.resolve("cpu.cfs_period_us"));
    if (quota == null || period == null) {
      return Double.POSITIVE_INFINITY;
    }
    return quota(number(quota), number(period));
  }

  private static double quota(long quota, long period) {
    return quota <= 0 || period <= 0 ? Double.POSITIVE_INFINITY : (double) quota / period;
  }

  /** v2 {@code memory.max} ("max": none) or v1 {@code memory.limit_in_bytes} (-1 or huge: none). */
  private static long memoryValue(Path file) {
    String text = contents(file);
    if (text == null || text.equals("max")) {
      return Long.MAX_VALUE;
    }
    long bytes = number(text);
    return bytes < 0 || bytes >= UNLIMITED_MEMORY ? Long.MAX_VALUE : bytes;
  }

  /** A number from a cgroup file; anything else (a kernel we do not know) counts as no limit (-1). */
  private static long number(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The file's trimmed contents, or null when it does not exist or cannot be read. */
  private static String contents(Path file) {
    try {
      return Files.isReadable(file) ? Files.readString(file).trim() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
