package dev.shoal.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The most heap this JVM used since the last {@link #reset}. Used heap only shrinks in a
 * collection, so its peak is the larger of the heap in use just before each collection (from
 * the GC MXBeans' notifications) and the heap in use now. The peak mostly shows how far the
 * collector lets the heap fill; the most heap still in use right after a collection is closer
 * to what the work needs, so that is kept too.
 */
final class HeapPeak {

  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private final AtomicLong peak = new AtomicLong();
  private final AtomicLong afterGc = new AtomicLong();

  HeapPeak() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
          var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
          peak.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
          afterGc.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
        }
      }, null, null);
    }
  }

  /** Starts a new measurement from the heap in use now. */
  void reset() {
    peak.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    afterGc.set(0);
  }

  /** Peak bytes of heap in use since {@link #reset}. */
  long peakBytes() {
    return peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
  }

  /** The most heap in use right after a collection since {@link #reset}; 0 if none ran. */
  long maxAfterGcBytes() {
    return afterGc.get();
  }

  private long heapUsed(Map<String, MemoryUsage> byPool) {
    return byPool.entrySet().stream().filter(e -> heapPools.contains(e.getKey()))
        .mapToLong(e -> e.getValue().getUsed()).sum();
  }
}
