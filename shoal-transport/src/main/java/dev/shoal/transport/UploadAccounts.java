package dev.shoal.transport;

import dev.shoal.round.RemoteClients;
import dev.shoal.tensor.ContentId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which node uploaded which blobs that no result has named yet. A node may upload only while it
 * holds work that takes an upload (see {@link RemoteClients#awaitsUpload}), and may keep at most
 * its upload limit in blobs that nothing references; a blob is referenced once a
 * result names it, and the blobs a node left unreferenced are collected when it holds no such
 * work any more, so a node cannot fill the coordinator's disk with blobs of its own.
 */
final class UploadAccounts {

  /** Why an upload is refused, and whether waiting would help ({@code RESOURCE_EXHAUSTED}). */
  record Refusal(String reason, boolean exhausted) {}

  private final RemoteClients clients;
  private final boolean onlyForWork;
  private final Map<String, Map<ContentId, Long>> unreferenced = new HashMap<>();

  /**
   * @param onlyForWork false accepts uploads from any caller, named or not (for tests of the
   *     chunked transfer itself); the coordinator always passes true
   */
  UploadAccounts(RemoteClients clients, boolean onlyForWork) {
    this.clients = clients;
    this.onlyForWork = onlyForWork;
  }

  /** Whether {@code node}, whose upload limit is {@code limit}, may upload {@code size} more bytes now. */
  synchronized Optional<Refusal> admit(String node, long size, long limit) {
    if (!onlyForWork) {
      return Optional.empty();
    }
    if (node == null) {
      return Optional.of(new Refusal("an upload must name its node on the first chunk", false));
    }
    if (!clients.awaitsUpload(node)) {
      return Optional.of(new Refusal("node '" + node + "' holds no work that takes an upload", false));
    }
    long held = held(node);
    if (held + size > limit) {
      return Optional.of(new Refusal(("node '%s' already has %d bytes of uploads that no result names; %d more would"
          + " exceed its limit of %d bytes").formatted(node, held, size, limit), true));
    }
    return Optional.empty();
  }

  /** {@code node} added the blob {@code id} of {@code size} bytes to the store. */
  synchronized void added(String node, ContentId id, long size) {
    if (node != null) {
      unreferenced.computeIfAbsent(node, n -> new LinkedHashMap<>()).put(id, size);
    }
  }

  /** A result names {@code id}: it belongs to the run now (or was consumed), whoever uploaded it. */
  synchronized void referenced(ContentId id) {
    unreferenced.values().forEach(blobs -> blobs.remove(id));
  }

  /**
   * The blobs {@code node} uploaded that nothing named, once it holds no work that takes an
   * upload (or {@code everything}: the run is over); they are forgotten here and are the
   * caller's to delete.
   */
  synchronized List<ContentId> collect(String node, boolean everything) {
    Map<ContentId, Long> blobs = unreferenced.get(node);
    if (blobs == null || blobs.isEmpty() || (!everything && clients.awaitsUpload(node))) {
      return List.of();
    }
    unreferenced.remove(node);
    return new ArrayList<>(blobs.keySet());
  }

  synchronized long held(String node) {
    return unreferenced.getOrDefault(node, Map.of()).values().stream().mapToLong(Long::longValue).sum();
  }
}
