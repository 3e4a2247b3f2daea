package dev.shoal.transport.tls;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds every call to the identity in the caller's verified certificate, and checks that
 * certificate against the revocation list on every call: a node revoked while connected is
 * refused from its next call on (nodes call at least once per heartbeat interval).
 */
public final class CallerIdentity implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(CallerIdentity.class);
  private static final Context.Key<Identity> KEY = Context.key("shoal-caller");

  private final Revocations revocations;

  public CallerIdentity(Revocations revocations) {
    this.revocations = revocations;
  }

  /** The caller of the current call, or null on a plaintext server. */
  public static Identity current() {
    return KEY.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    String method = call.getMethodDescriptor().getBareMethodName();
    try {
      if (session == null) {
        return refuse(call, method, "no TLS session");
      }
      Certificate[] peer = session.getPeerCertificates();
      X509Certificate leaf = (X509Certificate) peer[0];
      Identity id = Identity.of(leaf);
      if (revocations.isRevoked(leaf)) {
        return refuse(call, method, "certificate revoked: " + id);
      }
      return Contexts.interceptCall(Context.current().withValue(KEY, id), call, headers, next);
    } catch (SSLPeerUnverifiedException e) {
      return refuse(call, method, "no client certificate");
    } catch (CertificateException e) {
      return refuse(call, method, e.getMessage());
    }
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String method, String reason) {
    log.warn("call refused method={} reason=\"{}\"", method, reason);
    call.close(Status.UNAUTHENTICATED.withDescription(reason), new Metadata());
    return new ServerCall.Listener<>() { };
  }
}
