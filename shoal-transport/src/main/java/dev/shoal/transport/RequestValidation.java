package dev.shoal.transport;

import dev.shoal.transport.tls.CallerIdentity;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's input gate: every request is checked by {@link RequestCheck} before the
 * service sees it, and refused with {@code INVALID_ARGUMENT} and the reason; whatever the service
 * still throws ends the call with a status of its own instead of gRPC's {@code UNKNOWN} and a
 * logged stack trace. Every status sent back is cleaned: no file system paths of the coordinator,
 * no control characters.
 */
public final class RequestValidation implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(RequestValidation.class);
  /** An absolute path of two or more elements; only its last element is sent to a caller. */
  private static final Pattern PATH = Pattern.compile("(?<![\\w.:/])/(?:[^\\s/'\"]+/)+([^\\s/'\"]*)");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    Guarded<Q, R> guarded = new Guarded<>(call);
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(guarded, headers);
    } catch (RuntimeException e) {
      guarded.fail(method, e);
      return new ServerCall.Listener<>() { };
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        if (guarded.closed.get()) {
          return;
        }
        Optional<String> problem = RequestCheck.problem(message);
        if (problem.isPresent()) {
          log.warn("call refused method={} caller={} reason=\"{}\"", method, caller(), problem.get());
          guarded.close(Status.INVALID_ARGUMENT.withDescription(problem.get()), new Metadata());
          return;
        }
        guard(() -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        if (!guarded.refused) {
          guard(super::onHalfClose);
        }
      }

      @Override
      public void onReady() {
        if (!guarded.refused) {
          guard(super::onReady);
        }
      }

      private void guard(Runnable r) {
        try {
          r.run();
        } catch (RuntimeException e) {
          guarded.fail(method, e);
        }
      }
    };
  }

  private static String caller() {
    var id = CallerIdentity.current();
    return id == null ? "plaintext" : id.name();
  }

  /** A description fit to send to a caller. */
  static String clean(String description) {
    if (description == null) {
      return null;
    }
    String noPaths = PATH.matcher(description).replaceAll("$1");
    StringBuilder b = new StringBuilder(noPaths.length());
    noPaths.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        b.append("\\x%02x".formatted(c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }

  /** The call, closed at most once, with cleaned statuses and no {@code UNKNOWN}. */
  private static final class Guarded<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    final AtomicBoolean closed = new AtomicBoolean();
    volatile boolean refused;

    Guarded(ServerCall<Q, R> call) {
      super(call);
    }

    void fail(String method, RuntimeException e) {
      Status status = e instanceof StatusRuntimeException s ? s.getStatus() : null;
      if (status == null) {
        // a defect, not the caller's fault: one log line with where it happened, no stack trace
        StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        log.error("call failed method={} caller={} error={} at={} reason=\"{}\"", method, caller(),
            e.getClass().getSimpleName(), at, clean(String.valueOf(e.getMessage())));
        status = Status.INTERNAL.withDescription("the coordinator could not handle this " + method
            + " call (" + e.getClass().getSimpleName() + "); it logged the error");
      }
      close(status, new Metadata());
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      refused = !status.isOk();
      Status sent = status.getCode() == Status.Code.UNKNOWN
          ? Status.INTERNAL.withDescription(status.getDescription()) : status;
      super.close(sent.withDescription(clean(sent.getDescription())).withCause(null), trailers);
    }
  }
}
