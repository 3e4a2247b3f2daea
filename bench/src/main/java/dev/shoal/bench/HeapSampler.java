package dev.shoal.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Samples the heap's used bytes every few milliseconds on a daemon thread and keeps the maximum. */
final class HeapSampler {

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peak;

  private HeapSampler() {
    thread = Thread.ofPlatform().daemon().name("heap-sampler").start(this::sample);
  }

  static HeapSampler start() {
    return new HeapSampler();
  }

  private void sample() {
    while (running) {
      peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops sampling and returns the largest heap use seen, in bytes. */
  long stop() throws InterruptedException {
    running = false;
    thread.join();
    return peak;
  }
}
