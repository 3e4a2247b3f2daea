package dev.shoal.federation;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node may use and runs with: its engine threads and where that number came from, the
 * CPUs it sees, its cgroup CPU quota, its memory limit and where that came from, and its nice
 * value. The node logs it on start and tells the coordinator when it registers, so {@code shoal
 * status} can show it.
 *
 * @param engineThreads the training engine's threads (intra-op and inter-op), at least 1
 * @param threadsFrom why that many
 * @param processors the CPUs this process may run on ({@code Runtime.availableProcessors()})
 * @param cpuQuota the cgroup CPU quota in CPUs, 0 when there is none
 * @param memoryLimitBytes the memory limit in bytes, 0 when there is none
 * @param memoryFrom where the memory limit comes from
 * @param nice the process's nice value
 */
public record Resources(int engineThreads, ThreadsFrom threadsFrom, int processors, double cpuQuota,
    long memoryLimitBytes, MemoryFrom memoryFrom, int nice) {

  /** Why the engine has as many threads as it has. */
  public enum ThreadsFrom {
    /** {@code --threads N}. */
    OPTION,
    /** The cgroup CPU quota, rounded up. */
    CGROUP,
    /** The CPUs this process may run on (no smaller quota). */
    PROCESSORS
  }

  /** Where the memory limit comes from. */
  public enum MemoryFrom {
    /** There is none. */
    NONE,
    /** The cgroup memory limit. */
    CGROUP,
    /** {@code --max-memory SIZE}, at most the cgroup limit. */
    OPTION
  }

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)i?b?", Pattern.CASE_INSENSITIVE);

  public Resources {
    if (engineThreads < 1) {
      throw new IllegalArgumentException("engine threads must be at least 1, got " + engineThreads);
    }
  }

  /**
   * The CPUs this process may use: the smaller of the processors it may run on and its cgroup CPU
   * quota rounded up (1.5 CPUs: 2 threads), at least 1.
   */
  public static int autoThreads(int processors, double cpuQuota) {
    int threads = Math.max(1, processors);
    if (cpuQuota > 0) {
      threads = Math.min(threads, (int) Math.ceil(cpuQuota - 1e-9));
    }
    return Math.max(1, threads);
  }

  /**
   * The number of CPUs in a Linux CPU list such as {@code 0-3,8,10-11} (as in {@code
   * Cpus_allowed_list} of {@code /proc/self/status}).
   *
   * @throws IllegalArgumentException when {@code list} is not a CPU list
   */
  public static int cpuListSize(String list) {
    int count = 0;
    for (String part : list.trim().split(",")) {
      String[] range = part.split("-");
      try {
        int from = Integer.parseInt(range[0].trim());
        int to = range.length > 1 ? Integer.parseInt(range[1].trim()) : from;
        if (range.length > 2 || to < from) {
          throw new IllegalArgumentException("not a CPU list: '" + list + "'");
        }
        count += to - from + 1;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a CPU list: '" + list + "'");
      }
    }
    return count;
  }

  /**
   * Resolves a node's resources from its options and its cgroup limits.
   *
   * @param threads {@code --threads}, if given (must be at least 1)
   * @param maxMemory {@code --max-memory} in bytes, if given; it may not exceed the cgroup limit
   * @param cgroupCpuQuota the cgroup CPU quota in CPUs, if there is one
   * @param cgroupMemoryBytes the cgroup memory limit in bytes, if there is one
   * @throws IllegalArgumentException naming the option when it is out of range
   */
  public static Resources resolve(OptionalInt threads, OptionalLong maxMemory, int processors,
      OptionalDouble cgroupCpuQuota, OptionalLong cgroupMemoryBytes, int nice) {
    double quota = cgroupCpuQuota.orElse(0);
    int engineThreads;
    ThreadsFrom from;
    if (threads.isPresent()) {
      if (threads.getAsInt() < 1) {
        throw new IllegalArgumentException("--threads must be at least 1, got " + threads.getAsInt());
      }
      engineThreads = threads.getAsInt();
      from = ThreadsFrom.OPTION;
    } else {
      engineThreads = autoThreads(processors, quota);
      from = engineThreads < Math.max(1, processors) ? ThreadsFrom.CGROUP : ThreadsFrom.PROCESSORS;
    }
    long memory = 0;
    MemoryFrom memoryFrom = MemoryFrom.NONE;
    if (cgroupMemoryBytes.isPresent()) {
      memory = cgroupMemoryBytes.getAsLong();
      memoryFrom = MemoryFrom.CGROUP;
    }
    if (maxMemory.isPresent()) {
      long asked = maxMemory.getAsLong();
      if (asked < 1) {
        throw new IllegalArgumentException("--max-memory must be more than 0");
      }
      if (memoryFrom == MemoryFrom.CGROUP && asked > memory) {
        throw new IllegalArgumentException("--max-memory %s exceeds this process's cgroup memory limit of %s"
            .formatted(bytes(asked), bytes(memory)));
      }
      memory = asked;
      memoryFrom = MemoryFrom.OPTION;
    }
    return new Resources(engineThreads, from, processors, quota, memory, memoryFrom, nice);
  }

  /**
   * Parses a size such as {@code 2g}, {@code 512m}, {@code 1.5GiB} or {@code 1048576} (bytes);
   * the units are powers of 1024.
   *
   * @throws IllegalArgumentException when {@code text} is not a size
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: '" + text + "' (e.g. 2g, 512m, 1.5GiB or a number of bytes)");
    }
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("size too large: '" + text + "'");
    }
    return (long) Math.ceil(bytes);
  }

  /** {@code 4.0 GiB}, {@code 512.0 MiB}, {@code 100 B}. */
  public static String bytes(long bytes) {
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    int unit = -1;
    while (v >= 1024 && unit < units.length - 1) {
      v /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[unit]);
  }

  /** Why the engine threads are what they are, e.g. {@code cgroup CPU quota 1.00 of 2 CPUs}. */
  public String threadsReason() {
    String quota = cpuQuota > 0 ? String.format(Locale.ROOT, "cgroup CPU quota %.2f of %d CPUs", cpuQuota, processors)
        : processors + " CPUs, no cgroup CPU quota";
    return switch (threadsFrom) {
      case OPTION -> "--threads; " + quota;
      case CGROUP, PROCESSORS -> quota;
    };
  }

  /** The memory limit and its source, e.g. {@code 4.0 GiB (cgroup)}, or {@code none}. */
  public String memory() {
    return switch (memoryFrom) {
      case NONE -> "none";
      case CGROUP -> bytes(memoryLimitBytes) + " (cgroup)";
      case OPTION -> bytes(memoryLimitBytes) + " (--max-memory)";
    };
  }

  /** The engine threads and their source in a few characters, for a table: {@code 1 (quota 1.00)}. */
  public String threadsShort() {
    return switch (threadsFrom) {
      case OPTION -> engineThreads + " (--threads)";
      case CGROUP -> String.format(Locale.ROOT, "%d (quota %.2f)", engineThreads, cpuQuota);
      case PROCESSORS -> engineThreads + " (" + processors + " CPUs)";
    };
  }

  /** The line a node logs on start. */
  public String describe() {
    return "engine threads %d (%s), memory limit %s, nice %d".formatted(engineThreads, threadsReason(),
        memoryFrom == MemoryFrom.NONE ? "none" : memory(), nice);
  }
}
