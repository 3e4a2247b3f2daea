package dev.shoal.transport.tls;

import dev.shoal.pki.Role;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a peer's certificate belongs to this federation, and says why not: issued and
 * signed by the federation CA, not self-signed, within its validity, not revoked, carrying a
 * Shoal role — and, when the peer is the server, the coordinator role. Then the JDK's PKIX
 * checks run as well (path, key usage, extended key usage, and the host name when the TLS engine
 * asks for it). Every refusal is logged with its reason.
 */
public final class FederationTrust extends X509ExtendedTrustManager {

  private static final Logger log = LoggerFactory.getLogger(FederationTrust.class);

  private final X509Certificate ca;
  private final Revocations revocations;
  private final X509ExtendedTrustManager pkix;
  private final Set<Role> servers;

  private FederationTrust(X509Certificate ca, Revocations revocations, Set<Role> servers) {
    this.ca = ca;
    this.revocations = revocations;
    this.pkix = pkix(ca);
    this.servers = servers;
  }

  /** For a coordinator: which clients to admit. */
  public static FederationTrust forClients(X509Certificate ca, Revocations revocations) {
    return new FederationTrust(ca, revocations, Set.of(Role.COORDINATOR, Role.RELAY));
  }

  /** For a node or an admin: which server to believe is the coordinator (or a relay). */
  public static FederationTrust forCoordinator(X509Certificate ca) {
    return new FederationTrust(ca, Revocations.none(), Set.of(Role.COORDINATOR, Role.RELAY));
  }

  /**
   * For a peer, both ways: the other side must hold a peer certificate; the peer's service also
   * checks its callers' role ({@code PEER}) on every call.
   */
  public static FederationTrust forPeers(X509Certificate ca, Revocations revocations) {
    return new FederationTrust(ca, revocations, Set.of(Role.PEER));
  }

  /** Checks a peer's certificate against the federation; returns the identity it names. */
  public Identity check(X509Certificate leaf, String peer) throws CertificateException {
    String subject = leaf.getSubjectX500Principal().getName();
    if (leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal())) {
      throw refuse(peer, "self-signed certificate (" + subject + ")");
    }
    if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      throw refuse(peer, "certificate issued by another CA (" + leaf.getIssuerX500Principal().getName()
          + "), not by this federation's (" + ca.getSubjectX500Principal().getName() + ")");
    }
    try {
      leaf.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw refuse(peer, "certificate signature does not verify with this federation's CA (" + subject + ")");
    }
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      throw refuse(peer, "certificate expired on " + leaf.getNotAfter().toInstant() + " (" + subject + ")");
    } catch (CertificateNotYetValidException e) {
      throw refuse(peer, "certificate not valid before " + leaf.getNotBefore().toInstant() + " (" + subject + ")");
    }
    Identity id;
    try {
      id = Identity.of(leaf);
    } catch (CertificateException e) {
      throw refuse(peer, e.getMessage());
    }
    if (revocations.isRevoked(leaf)) {
      throw refuse(peer, "certificate revoked: " + id);
    }
    return id;
  }

  private static CertificateException refuse(String peer, String reason) {
    log.warn("certificate refused peer={} reason=\"{}\"", peer, reason);
    return new CertificateException(reason);
  }

  private void checkClient(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw refuse("client", "no client certificate");
    }
    check(chain[0], "client");
  }

  private void checkServer(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw refuse("server", "the server sent no certificate");
    }
    Identity id = check(chain[0], "server");
    if (!servers.contains(id.role())) {
      throw refuse("server", "the server's certificate has role " + id.role().label() + ", not "
          + servers.stream().map(Role::label).sorted().collect(Collectors.joining(" or ")) + ": " + id);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkClient(chain);
    try {
      pkix.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refuse("client", e.getMessage()); // e.g. a certificate good for TLS servers only
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkServer(chain);
    try {
      pkix.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refuse("server", e.getMessage());
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClient(chain);
    try {
      pkix.checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw refuse("client", e.getMessage());
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServer(chain);
    pkix.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    checkClient(chain);
    try {
      pkix.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refuse("client", e.getMessage());
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    checkServer(chain);
    pkix.checkServerTrusted(chain, authType);
  }

  /**
   * Names no issuer, so a client sends whatever certificate it holds (a TLS 1.3 client otherwise
   * withholds one that the named issuers did not sign) and the refusal can name what is wrong.
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private static X509ExtendedTrustManager pkix(X509Certificate ca) {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      anchors.setCertificateEntry("federation-ca", ca);
      TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
      f.init(anchors);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up certificate checks", e);
    }
  }
}
