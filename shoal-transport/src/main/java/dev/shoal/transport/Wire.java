package dev.shoal.transport;

import com.google.protobuf.ByteString;
import dev.shoal.strategy.Outbound;
import dev.shoal.tensor.ContentId;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.proto.Assignment;
import dev.shoal.transport.proto.Receipt;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/** Limits and conversions shared by both ends of the wire. */
public final class Wire {

  /** Blob chunks carry at most this many bytes. */
  public static final int CHUNK_BYTES = 4 * 1024 * 1024;

  /**
   * Shoal's own senders cut blobs into chunks of this size; receivers take any size up to {@link
   * #CHUNK_BYTES}. With the server's allocator keeping its chunks for reuse ({@link ServerSettings}),
   * 1 MiB costs the coordinator no more than 256 KiB did, and the nodes less (docs/benchmarks.md).
   */
  public static final int SENT_CHUNK_BYTES = 1024 * 1024;

  /** No single message may exceed a chunk plus room for its envelope. */
  public static final int MAX_MESSAGE_BYTES = CHUNK_BYTES + 64 * 1024;

  /**
   * Secure-aggregation requests and replies up to this size travel inside their message; a larger
   * reply is uploaded as a blob first, a larger request is refused (the stage fails).
   */
  public static final int SECAGG_INLINE_BYTES = 1024 * 1024;

  /**
   * A trailer on a {@code RESOURCE_EXHAUSTED} refusal: milliseconds after which the coordinator
   * expects to take the call, so a busy coordinator tells a node when to come back.
   */
  public static final Metadata.Key<String> RETRY_AFTER_MILLIS =
      Metadata.Key.of("shoal-retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  private Wire() {}

  /** {@code a} with the time the coordinator will still wait for its answer, if it said. */
  static Assignment withTimeLeft(Assignment a, java.util.Optional<java.time.Duration> left) {
    return left.map(d -> a.toBuilder().setTimeLeftMillis(Math.max(1, d.toMillis())).build()).orElse(a);
  }

  /** The retry-after trailer of a refusal, if it carries a valid one. */
  static java.util.Optional<java.time.Duration> retryAfter(Metadata trailers) {
    String v = trailers == null ? null : trailers.get(RETRY_AFTER_MILLIS);
    try {
      long ms = v == null ? -1 : Long.parseLong(v.trim());
      return ms < 0 ? java.util.Optional.empty() : java.util.Optional.of(java.time.Duration.ofMillis(ms));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  static ContentId contentId(String value) {
    try {
      return new ContentId(value);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
  }

  static Assignment fit(int round, ContentId base, FitConfig c) {
    return fit(round, base, c, Outbound.PLAIN);
  }

  static Assignment fit(int round, ContentId base, FitConfig c, Outbound o) {
    Assignment.Builder a = Assignment.newBuilder().setKind(Assignment.Kind.FIT).setRound(round)
        .setBaseModel(base.value()).setEpochs(c.epochs()).setBatchSize(c.batchSize())
        .setLearningRate(c.learningRate()).setSeed(c.seed()).putAllSettings(SettingsWire.toProto(c.settings()));
    if (!c.isPlain()) {
      a.setTraining(TrainingWire.settings(c));
    }
    if (!o.equals(Outbound.PLAIN)) {
      a.setOutbound(dev.shoal.transport.proto.Outbound.newBuilder().setSecureAggregation(o.secureAggregation())
          .setMaxExamples(o.maxExamples()).setClipNorm(o.clipNorm()).setNoiseStddev(o.noiseStddev()));
    }
    return a.build();
  }

  /** The outbound pipeline a fit assignment asks for; {@link Outbound#PLAIN} when it names none. */
  static Outbound outbound(Assignment a) {
    if (!a.hasOutbound()) {
      return Outbound.PLAIN;
    }
    var o = a.getOutbound();
    return new Outbound(o.getSecureAggregation(), o.getMaxExamples(), o.getClipNorm(), o.getNoiseStddev());
  }

  /** A stage of secure aggregation; the request bytes are sent only when the node is to answer. */
  static Assignment secagg(int round, String stage, byte[] request) {
    Assignment.Builder a = Assignment.newBuilder().setKind(Assignment.Kind.SECAGG).setRound(round).setStage(stage);
    if (request != null) {
      a.setRequest(ByteString.copyFrom(request));
    }
    return a.build();
  }

  static Assignment evaluate(int round, ContentId base) {
    return Assignment.newBuilder().setKind(Assignment.Kind.EVALUATE).setRound(round).setBaseModel(base.value()).build();
  }

  static Receipt receipt(dev.shoal.round.RemoteClients.Receipt r) {
    return Receipt.newBuilder().setVerdict(Receipt.Verdict.valueOf(r.name())).build();
  }

  static StatusRuntimeException notFound(String message) {
    return Status.NOT_FOUND.withDescription(message).asRuntimeException();
  }

  /** Answers a unary call with {@code value} and completes it. */
  static <T> void reply(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }
}
