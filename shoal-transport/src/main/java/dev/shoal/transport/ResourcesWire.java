package dev.shoal.transport;

import dev.shoal.federation.Resources;
import dev.shoal.transport.proto.NodeResources;
import java.util.Locale;
import java.util.Optional;

/** A node's {@link Resources} on the wire ({@link NodeResources}) and back. */
final class ResourcesWire {

  private ResourcesWire() {}

  static NodeResources toProto(Resources r) {
    return NodeResources.newBuilder().setEngineThreads(r.engineThreads())
        .setThreadsFrom(r.threadsFrom().name().toLowerCase(Locale.ROOT)).setProcessors(r.processors())
        .setCpuQuota(r.cpuQuota()).setMemoryLimitBytes(r.memoryLimitBytes())
        .setMemoryFrom(r.memoryFrom().name().toLowerCase(Locale.ROOT)).setNice(r.nice()).build();
  }

  /** The resources a message describes; empty when it does not make sense (e.g. no threads). */
  static Optional<Resources> fromProto(NodeResources p) {
    try {
      return Optional.of(new Resources(p.getEngineThreads(),
          Resources.ThreadsFrom.valueOf(p.getThreadsFrom().toUpperCase(Locale.ROOT)), p.getProcessors(),
          p.getCpuQuota(), p.getMemoryLimitBytes(),
          Resources.MemoryFrom.valueOf(p.getMemoryFrom().toUpperCase(Locale.ROOT)), p.getNice()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
