package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.node.RefusedException;
import dev.shoal.node.RejectedException;
import dev.shoal.node.TryLaterException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** How a node reads the coordinator's gRPC statuses: stop, drop the work, or try again. */
class StatusMappingTest {

  @Test
  void aRequestRefusedAsInvalidIsRejectedNotRetried() {
    var e = GrpcCoordinatorLink.asIo(Status.INVALID_ARGUMENT.withDescription("tensor 'w' has shape [2]").asRuntimeException());
    assertThat(e).isInstanceOf(RejectedException.class).hasMessage("INVALID_ARGUMENT: tensor 'w' has shape [2]");
  }

  @Test
  void aRefusedIdentityStopsTheNodeAndABusyCoordinatorIsTriedAgain() {
    assertThat(GrpcCoordinatorLink.asIo(Status.PERMISSION_DENIED.asRuntimeException())).isInstanceOf(RefusedException.class);
    assertThat(GrpcCoordinatorLink.asIo(Status.RESOURCE_EXHAUSTED.asRuntimeException()))
        .isInstanceOfSatisfying(TryLaterException.class, t -> assertThat(t.why()).isEqualTo(TryLaterException.Why.BUSY));
    assertThat(GrpcCoordinatorLink.asIo(Status.INTERNAL.asRuntimeException()))
        .isNotInstanceOfAny(RejectedException.class, RefusedException.class, TryLaterException.class);
  }
}
