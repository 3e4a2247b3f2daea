package dev.shoal.transport;

import dev.shoal.pki.Role;
import dev.shoal.round.RemoteClients;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Subtree;
import dev.shoal.store.BlobNotFoundException;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.SafetensorsFile;
import dev.shoal.transport.proto.FitResult;
import dev.shoal.transport.proto.Receipt;
import dev.shoal.transport.tls.CallerIdentity;
import dev.shoal.transport.tls.Identity;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fit results an authorized node submits: an update it uploaded, handed to the engine as a
 * view of the blob, or a held fit whose update stays on the node for secure aggregation.
 */
final class FitSubmissions {

  private static final Logger log = LoggerFactory.getLogger(FitSubmissions.class);

  private final RemoteClients clients;
  private final BlobStore blobs;
  private final ServedModel model;

  FitSubmissions(RemoteClients clients, BlobStore blobs, ServedModel model) {
    this.clients = clients;
    this.blobs = blobs;
    this.model = model;
  }

  /**
   * Hands {@code request} to the engine and answers on {@code out}. An accepted update is marked
   * referenced in {@code uploads} and told to {@code results}; a rejected one is deleted.
   */
  void submit(FitResult request, StreamObserver<Receipt> out, UploadAccounts uploads,
      FederationService.ResultListener results) {
    if (request.getHeld()) {
      submitHeld(request, out);
      return;
    }
    try {
      // A view of the uploaded file: the engine reads it one tensor at a time when it folds.
      ContentId id = Wire.contentId(request.getUpdate());
      SafetensorsFile update = blobs.openModel(id);
      Optional<String> forged = subtreeRefusal(update);
      if (forged.isPresent()) {
        model.deleteUnlessModel(id);
        log.warn("call refused method=SubmitFit caller={} node={} reason=\"{}\"", CallerIdentity.current(),
            request.getNode(), forged.get());
        out.onError(Status.PERMISSION_DENIED.withDescription(forged.get()).asRuntimeException());
        return;
      }
      var reply = new FitReply(request.getNode(), update, request.getNumExamples(), request.getMetricsMap());
      RemoteClients.Receipt receipt = clients.submitFit(request.getNode(), request.getRound(), reply);
      if (receipt == RemoteClients.Receipt.ACCEPTED) {
        uploads.referenced(id);
        results.accepted(request.getNode(), request.getRound(), id, request.getNumExamples(), request.getMetricsMap());
      } else if (receipt == RemoteClients.Receipt.REJECTED) {
        model.deleteUnlessModel(id); // e.g. an update sent in the clear for a secure fit: the coordinator keeps no copy
      }
      Wire.reply(out, Wire.receipt(receipt));
    } catch (BlobNotFoundException e) {
      out.onError(Wire.notFound("update " + request.getUpdate() + " was not uploaded"));
    } catch (IllegalArgumentException e) {
      out.onError(Wire.notFound(e.getMessage()));
    } catch (IOException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  /**
   * Why this caller may not send {@code update}, if it names a relay's subtree: only a relay's
   * certificate may, or a node could write other nodes' names into the coordinator's ledger.
   */
  private static Optional<String> subtreeRefusal(SafetensorsFile update) {
    Identity caller = CallerIdentity.current();
    if (caller == null || caller.role() == Role.RELAY || !update.metadata().containsKey(Subtree.METADATA)) {
      return Optional.empty();
    }
    return Optional.of("a " + caller.role().label() + " certificate cannot send an update with '"
        + Subtree.METADATA + "' metadata; only a relay's can");
  }

  /**
   * A fit whose update stays on the node for secure aggregation: only its example count and
   * metrics arrive. The result listener is not told (there is no uploaded update to record).
   */
  private void submitHeld(FitResult request, StreamObserver<Receipt> out) {
    if (!request.getUpdate().isEmpty()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("a held fit result must not name an update")
          .asRuntimeException());
      return;
    }
    try {
      var reply = new FitReply(request.getNode(), null, request.getNumExamples(), request.getMetricsMap());
      Wire.reply(out, Wire.receipt(clients.submitFit(request.getNode(), request.getRound(), reply)));
    } catch (IllegalArgumentException e) {
      out.onError(Wire.notFound(e.getMessage()));
    }
  }
}
