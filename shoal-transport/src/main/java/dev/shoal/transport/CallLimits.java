package dev.shoal.transport;

import dev.shoal.log.RepeatedWarnings;
import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.tls.CallerIdentity;
import dev.shoal.transport.tls.Identity;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's guard against a node that floods it: a rate of calls per caller (its
 * certificate's name, or in plaintext its connection), a bound on uploads in flight per caller and
 * in total, and a time limit on every call, after which the server ends it with {@code
 * DEADLINE_EXCEEDED} whatever deadline the client set. Refusals are {@code RESOURCE_EXHAUSTED}
 * with a retry-after trailer ({@link Wire#RETRY_AFTER_MILLIS}): when a token is next due, or, for
 * uploads, about when a slot frees for a node that waits its turn behind the others turned away
 * (the mean upload time so far, times the place in line, over the slots). Nodes keep their work
 * and come back then. Refusals are logged rate-limited: one line per reason, then a count.
 *
 * <p>Uploads over the bound are turned away rather than queued on the server because a queued
 * stream still holds a flow-control window of buffered bytes on the coordinator; a node that
 * waits on its own side costs the coordinator nothing.
 */
public final class CallLimits implements ServerInterceptor {

  /** The limits; {@link #DEFAULT} suits hundreds of nodes polling twice a second. */
  public record Settings(double callsPerSecond, int burst, int uploadsPerCaller, int uploadsTotal, Duration unaryLimit,
      Duration streamLimit) {}

  public static final Settings DEFAULT =
      new Settings(50, 100, 2, 64, Duration.ofMinutes(2), Duration.ofMinutes(30));

  private static final Logger log = LoggerFactory.getLogger(CallLimits.class);
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("call-limits").daemon().factory());

  private final Settings settings;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> uploads = new ConcurrentHashMap<>();
  private final AtomicInteger uploadsInFlight = new AtomicInteger();
  private final RepeatedWarnings refusals = new RepeatedWarnings(log, Duration.ofSeconds(10));
  private final UploadLine line = new UploadLine();

  public CallLimits(Settings settings) {
    this.settings = settings;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String caller = caller(call);
    String method = call.getMethodDescriptor().getBareMethodName();
    Bucket bucket = buckets.computeIfAbsent(caller, c -> new Bucket(settings.burst()));
    if (!bucket.take(settings.callsPerSecond())) {
      return refuse(call, caller, method, "more than %s calls a second".formatted(settings.callsPerSecond()),
          bucket.untilNext(settings.callsPerSecond()));
    }
    boolean upload = call.getMethodDescriptor().getFullMethodName()
        .equals(FederationGrpc.getUploadMethod().getFullMethodName());
    AtomicInteger mine = upload ? uploads.computeIfAbsent(caller, c -> new AtomicInteger()) : null;
    if (upload) {
      if (mine.incrementAndGet() > settings.uploadsPerCaller()) {
        mine.decrementAndGet();
        return refuse(call, caller, method, "more than %d uploads in flight from one node".formatted(
            settings.uploadsPerCaller()), line.meanUpload());
      }
      if (uploadsInFlight.incrementAndGet() > settings.uploadsTotal()) {
        uploadsInFlight.decrementAndGet();
        mine.decrementAndGet();
        return refuse(call, caller, method, "more than %d uploads in flight in total".formatted(settings.uploadsTotal()),
            line.turnedAway(caller, settings.uploadsTotal()));
      }
      line.admitted(caller);
    }
    Duration limit = call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY
        ? settings.unaryLimit() : settings.streamLimit();
    long started = System.nanoTime();
    var guarded = new Guarded<>(call, upload ? () -> {
      mine.decrementAndGet();
      uploadsInFlight.decrementAndGet();
      line.finished(System.nanoTime() - started);
    } : () -> { });
    guarded.timeout = TIMER.schedule(() -> {
      if (guarded.closeIfOpen(Status.DEADLINE_EXCEEDED.withDescription(
          "the coordinator ends %s calls after %s".formatted(method, limit)))) {
        log.warn("call ended method={} caller={} reason=\"time limit of {} reached\"", method, caller, limit);
      }
    }, limit.toMillis(), TimeUnit.MILLISECONDS);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(guarded, headers)) {
      @Override
      public void onCancel() {
        guarded.release();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        guarded.release();
        super.onComplete();
      }
    };
  }

  private static String caller(ServerCall<?, ?> call) {
    Identity id = CallerIdentity.current();
    if (id != null) {
      return id.name();
    }
    // in plaintext nothing names the caller: each connection counts as one
    return String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
  }

  private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String caller, String method,
      String reason, Duration retryAfter) {
    refusals.warn(method + reason, "call refused method={} caller={} reason=\"{}\" retry_after_ms={}", method, caller,
        reason, retryAfter.toMillis());
    Metadata trailers = new Metadata();
    trailers.put(Wire.RETRY_AFTER_MILLIS, Long.toString(retryAfter.toMillis()));
    call.close(Status.RESOURCE_EXHAUSTED.withDescription(reason), trailers);
    return new ServerCall.Listener<>() { };
  }

  /** A server call that can be closed from the timer as well as by the service, once. */
  private static final class Guarded<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final Runnable onRelease;
    private boolean closed;
    private boolean released;
    ScheduledFuture<?> timeout;

    Guarded(ServerCall<Q, R> call, Runnable onRelease) {
      super(call);
      this.onRelease = onRelease;
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      release(); // before the caller can learn of the close, so its next call finds the slot free
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }

    synchronized boolean closeIfOpen(Status status) {
      if (closed) {
        return false;
      }
      close(status, new Metadata());
      return true;
    }

    synchronized void release() {
      if (!released) {
        released = true;
        if (timeout != null) {
          timeout.cancel(false);
        }
        onRelease.run();
      }
    }
  }

  /** A token bucket: {@code capacity} calls at once, refilled at a steady rate. */
  private static final class Bucket {
    private final int capacity;
    private double tokens;
    private long last = System.nanoTime();

    Bucket(int capacity) {
      this.capacity = capacity;
      this.tokens = capacity;
    }

    /** How long until the bucket holds a whole token again. */
    synchronized Duration untilNext(double perSecond) {
      return Duration.ofMillis(Math.max(1, (long) Math.ceil((1 - tokens) / perSecond * 1000)));
    }

    synchronized boolean take(double perSecond) {
      long now = System.nanoTime();
      tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
      last = now;
      if (tokens < 1) {
        return false;
      }
      tokens--;
      return true;
    }
  }
}
