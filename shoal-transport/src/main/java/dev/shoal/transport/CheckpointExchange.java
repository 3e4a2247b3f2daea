package dev.shoal.transport;

import dev.shoal.federation.CheckpointService;
import dev.shoal.round.RemoteClients;
import dev.shoal.transport.proto.CheckpointReply;
import dev.shoal.transport.proto.CheckpointRequest;
import dev.shoal.transport.proto.CosignRequest;
import dev.shoal.transport.proto.Receipt;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's ledger as its witnesses see it: checkpoints offered to authorized nodes, and the
 * cosignatures they send back.
 */
final class CheckpointExchange {

  private static final Logger log = LoggerFactory.getLogger(CheckpointExchange.class);

  private final CheckpointService checkpoints;

  /** @param checkpoints the run's ledger checkpoints, or null when the run keeps no ledger */
  CheckpointExchange(CheckpointService checkpoints) {
    this.checkpoints = checkpoints;
  }

  /**
   * Answers with the latest checkpoint for a node that last saw {@code request}'s last size in
   * entries; an empty reply when the ledger has not grown or the run keeps none.
   */
  void checkpoint(CheckpointRequest request, StreamObserver<CheckpointReply> out) {
    try {
      Wire.reply(out, LedgerWire.reply(checkpoints == null ? Optional.empty()
          : checkpoints.offer(request.getNode(), request.getLastSize())));
    } catch (IOException e) {
      log.error("cannot read the ledger node={} reason=\"{}\"", request.getNode(), e.getMessage());
      out.onError(Status.INTERNAL.withDescription("cannot read the ledger").asRuntimeException());
    }
  }

  /** Records a node's cosignature of a checkpoint; refused when the run keeps no ledger. */
  void cosign(CosignRequest request, StreamObserver<Receipt> out) {
    if (checkpoints == null) {
      out.onError(Status.FAILED_PRECONDITION.withDescription("this run keeps no ledger").asRuntimeException());
      return;
    }
    try {
      checkpoints.cosign(request.getNode(), LedgerWire.cosignature(request));
      log.info("checkpoint cosigned node={} size={}", request.getNode(), request.getSize());
      Wire.reply(out, Wire.receipt(RemoteClients.Receipt.ACCEPTED));
    } catch (IllegalArgumentException e) {
      log.warn("cosignature rejected node={} size={} reason=\"{}\"", request.getNode(), request.getSize(), e.getMessage());
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException e) {
      log.error("cannot record a cosignature node={} reason=\"{}\"", request.getNode(), e.getMessage());
      out.onError(Status.INTERNAL.withDescription("cannot record the cosignature").asRuntimeException());
    }
  }
}
