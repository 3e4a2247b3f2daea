package dev.shoal.transport;

import dev.shoal.tensor.ContentId;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.proto.Assignment;
import dev.shoal.transport.proto.Receipt;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Limits and conversions shared by both ends of the wire. */
public final class Wire {

  /** Blob chunks carry at most this many bytes. */
  public static final int CHUNK_BYTES = 4 * 1024 * 1024;

  /** No single message may exceed a chunk plus room for its envelope. */
  public static final int MAX_MESSAGE_BYTES = CHUNK_BYTES + 64 * 1024;

  private Wire() {}

  static ContentId contentId(String value) {
    try {
      return new ContentId(value);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
  }

  static Assignment fit(int round, ContentId base, FitConfig c) {
    return Assignment.newBuilder().setKind(Assignment.Kind.FIT).setRound(round).setBaseModel(base.value())
        .setEpochs(c.epochs()).setBatchSize(c.batchSize()).setLearningRate(c.learningRate()).setSeed(c.seed())
        .build();
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
}
