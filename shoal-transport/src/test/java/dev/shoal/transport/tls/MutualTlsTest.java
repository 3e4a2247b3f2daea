package dev.shoal.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.federation.RunStatus;
import dev.shoal.node.RefusedException;
import dev.shoal.pki.CertificateAuthority;
import dev.shoal.pki.Role;
import dev.shoal.round.RemoteClients;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.Subtree;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.CoordinatorServer;
import dev.shoal.transport.FederationService;
import dev.shoal.transport.GrpcCoordinatorLink;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a connection or a call must be refused, each checked for the refusal and for the
 * reason in the log.
 */
@Tag("slow")
class MutualTlsTest {

  @TempDir Path dir;
  CertificateAuthority ca;
  RemoteClients clients;
  FederationService service;
  CoordinatorServer server;
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  PrintStream originalErr;

  @BeforeEach
  void start() throws Exception {
    originalErr = System.err;
    System.setErr(new PrintStream(new TeeStream(originalErr, log), true));
    ca = CertificateAuthority.create(dir.resolve("ca"), "test", Duration.ofDays(30));
    ca.issue("coordinator", Role.COORDINATOR, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1),
        dir.resolve("coordinator"));
    for (String n : List.of("a", "b", "c")) {
      ca.issue(n, Role.NODE, List.of(), List.of(), Duration.ofDays(1), dir.resolve(n));
    }
    KitMaterial kit = KitMaterial.load(dir.resolve("coordinator"));
    clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
    service = new FederationService(clients, BlobStore.open(dir.resolve("blobs")),
        () -> new RunStatus("tls", 0, 0, 0, "waiting", List.of()), Duration.ofMillis(50), Duration.ofMillis(10));
    // the CA's own list, as a coordinator started with --crl pointing at it reads it
    server = CoordinatorServer.startTls("127.0.0.1", 0, service, kit, Revocations.load(ca.crlFile(), kit.ca()));
  }

  @AfterEach
  void stop() {
    server.close();
    System.setErr(originalErr);
  }

  GrpcCoordinatorLink link(String kit) throws Exception {
    return GrpcCoordinatorLink.tls("127.0.0.1", server.port(), KitMaterial.load(dir.resolve(kit)), null);
  }

  String log() {
    return log.toString();
  }

  @Test
  void aNodeWithItsOwnCertificateIsServed() throws Exception {
    try (var a = link("a")) {
      a.register("a");
      a.heartbeat("a");
      assertThat(a.poll("a")).isEmpty();
      assertThat(a.status().run()).isEqualTo("tls");
    }
  }

  @Test
  void aRelayCertificateActsAsANodeUpwardAndServesItsOwnNodes() throws Exception {
    ca.issue("relay-1", Role.RELAY, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1), dir.resolve("relay-1"));
    try (var relay = link("relay-1")) {
      relay.register("relay-1");
      assertThat(relay.poll("relay-1")).isEmpty();
      assertThatThrownBy(() -> relay.heartbeat("a")).isInstanceOf(RefusedException.class)
          .hasMessageContaining("the certificate of 'relay-1' cannot act for node 'a'");
    }
    KitMaterial kit = KitMaterial.load(dir.resolve("relay-1"));
    var below = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
    var subtree = new FederationService(below, BlobStore.open(dir.resolve("relay-blobs")),
        () -> new RunStatus("relay", 0, 0, 0, "waiting", List.of()), Duration.ofMillis(50), Duration.ofMillis(10));
    try (var served = CoordinatorServer.startTls("127.0.0.1", 0, subtree, kit, Revocations.load(ca.crlFile(), kit.ca()));
        var a = GrpcCoordinatorLink.tls("127.0.0.1", served.port(), KitMaterial.load(dir.resolve("a")), null)) {
      a.register("a");
      assertThat(below.available()).containsExactly("a");
    }
  }

  @Test
  void aCoordinatorCertificateCannotActAsANodeOrRelay() throws Exception {
    try (var c = link("coordinator")) {
      assertThatThrownBy(() -> c.register("coordinator")).isInstanceOf(RefusedException.class)
          .hasMessageContaining("a coordinator certificate cannot act as a node");
    }
  }

  @Test
  void aClientWithoutACertificateGetsNoService() throws Exception {
    KitMaterial a = KitMaterial.load(dir.resolve("a"));
    var channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
        .sslContext(GrpcSslContexts.forClient().trustManager(a.ca()).build()).build();
    try (var anonymous = new GrpcCoordinatorLink(channel, null)) {
      assertThatThrownBy(() -> anonymous.register("a")).isInstanceOf(RefusedException.class)
          .hasMessageContaining("UNAUTHENTICATED: no client certificate");
    }
    assertThat(log()).contains("call refused method=Register reason=\"no client certificate\"");
  }

  @Test
  void aSelfSignedCertificateIsRefused() throws Exception {
    CertificateAuthority.selfSigned("a", Role.NODE, List.of(), List.of(), Duration.ofDays(1), dir.resolve("self"));
    KitMaterial self = withCa(KitMaterial.load(dir.resolve("self")));
    assertRefused(self, "self-signed certificate");
    assertThat(clients.nodes()).isEmpty();
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() throws Exception {
    CertificateAuthority other = CertificateAuthority.create(dir.resolve("other-ca"), "other", Duration.ofDays(30));
    other.issue("a", Role.NODE, List.of(), List.of(), Duration.ofDays(1), dir.resolve("foreign"));
    assertRefused(withCa(KitMaterial.load(dir.resolve("foreign"))), "certificate issued by another CA (CN=other CA)");
  }

  @Test
  void aServerOnlyCertificateIsRefusedAsAClientWithTheReasonLogged() throws Exception {
    assertRefused(serverOnly("a"), "Extended key usage does not permit use for TLS client authentication");
    assertThat(clients.nodes()).isEmpty();
  }

  /** A certificate of this federation's CA for node {@code name}, but good for TLS servers only. */
  KitMaterial serverOnly(String name) throws Exception {
    String pem = java.nio.file.Files.readString(dir.resolve("ca").resolve(CertificateAuthority.CA_KEY))
        .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    java.security.PrivateKey caKey = java.security.KeyFactory.getInstance("EC").generatePrivate(
        new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(pem)));
    var generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    var pair = generator.generateKeyPair();
    var caCert = KitMaterial.load(dir.resolve("a")).ca();
    Instant now = Instant.now();
    var holder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(caCert.getSubjectX500Principal(),
        java.math.BigInteger.valueOf(now.toEpochMilli()), java.util.Date.from(now.minusSeconds(60)),
        java.util.Date.from(now.plusSeconds(3600)), new javax.security.auth.x500.X500Principal("CN=" + name + ", OU=node"),
        pair.getPublic())
        .addExtension(org.bouncycastle.asn1.x509.Extension.extendedKeyUsage, false,
            new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth))
        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(caKey));
    var cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(holder);
    return new KitMaterial(dir.resolve("a"), caCert, cert, pair.getPrivate());
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    Instant now = Instant.now();
    ca.issue("old", Role.NODE, List.of(), List.of(), now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)),
        dir.resolve("old"));
    assertRefused(KitMaterial.load(dir.resolve("old")), "certificate expired on");
  }

  @Test
  void aRevokedCertificateIsRefusedOnNewConnectionsAndOnOpenOnes() throws Exception {
    try (var c = link("c")) {
      c.register("c");
      ca.revoke("c");
      Thread.sleep(1_100); // the coordinator looks at the revocation list at most once a second
      assertThatThrownBy(() -> c.heartbeat("c")).isInstanceOf(RefusedException.class)
          .hasMessageContaining("UNAUTHENTICATED: certificate revoked: c (node");
      assertThat(log()).contains("call refused method=Heartbeat reason=\"certificate revoked: c (node");
    }
    assertRefused(KitMaterial.load(dir.resolve("c")), "certificate revoked: c (node");
  }

  @Test
  void aNodeCertificateCannotServeAndANodeRefusesAServerThatUsesOne() throws Exception {
    KitMaterial node = KitMaterial.load(dir.resolve("b"));
    assertThatThrownBy(() -> Tls.server(node, Revocations.none()))
        .hasMessageContaining("only a coordinator or relay certificate can serve");
    Server rogue = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(node.key(), node.certificate())).build())
        .build().start();
    try (var a = GrpcCoordinatorLink.tls("127.0.0.1", rogue.getPort(), KitMaterial.load(dir.resolve("a")), null)) {
      assertThatThrownBy(() -> a.register("a")).isInstanceOf(RefusedException.class)
          .hasMessageContaining("this node refused the server's certificate: the server's certificate has role node,"
              + " not coordinator or relay");
    } finally {
      rogue.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(log()).contains("certificate refused peer=server reason=\"the server's certificate has role node");
  }

  @Test
  void aNodeChecksThatTheCoordinatorsCertificateNamesTheHostItDialled() throws Exception {
    ca.issue("elsewhere", Role.COORDINATOR, List.of("coordinator.example"), List.of(), Duration.ofDays(1),
        dir.resolve("elsewhere"));
    KitMaterial elsewhere = KitMaterial.load(dir.resolve("elsewhere"));
    var service = new FederationService(clients, BlobStore.open(dir.resolve("blobs2")),
        () -> new RunStatus("", 0, 0, 0, "", List.of()), Duration.ofMillis(50), Duration.ofMillis(10));
    try (var other = CoordinatorServer.startTls("127.0.0.1", 0, service, elsewhere, Revocations.none());
        var a = GrpcCoordinatorLink.tls("127.0.0.1", other.port(), KitMaterial.load(dir.resolve("a")), null)) {
      assertThatThrownBy(() -> a.register("a")).isInstanceOf(RefusedException.class)
          .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1 found");
    }
  }

  @Test
  void aNodeCannotActForAnother() throws Exception {
    try (var a = link("a")) {
      a.register("a");
      assertThatThrownBy(() -> a.register("b")).isInstanceOf(RefusedException.class)
          .hasMessageContaining("PERMISSION_DENIED: the certificate of 'a' cannot act for node 'b'");
      assertThatThrownBy(() -> a.poll("b")).hasMessageContaining("cannot act for node 'b'");
    }
    assertThat(log()).contains("call refused method=Register caller=a (node")
        .contains("reason=\"the certificate of 'a' cannot act for node 'b'\"");
  }

  @Test
  void aNodeCannotAnswerSecureAggregationForAnother() throws Exception {
    try (var a = link("a"); var b = link("b")) {
      a.register("a");
      b.register("b");
      var answer = new java.util.concurrent.CompletableFuture<byte[]>();
      Thread.ofVirtual().start(() -> {
        try {
          answer.complete(clients.secagg("b", 1, "share-keys", new byte[] {1}));
        } catch (Exception e) {
          answer.completeExceptionally(e);
        }
      });
      while (b.poll("b").isEmpty()) {
        Thread.sleep(10);
      }
      assertThatThrownBy(() -> a.submitSecAgg("b", 1, "share-keys", new byte[] {6}))
          .isInstanceOf(RefusedException.class)
          .hasMessageContaining("PERMISSION_DENIED: the certificate of 'a' cannot act for node 'b'");
      assertThatThrownBy(() -> a.submitHeldFit("b", 1, 10, Map.of()))
          .hasMessageContaining("PERMISSION_DENIED: the certificate of 'a' cannot act for node 'b'");
      assertThat(b.submitSecAgg("b", 1, "share-keys", new byte[] {7})).isEqualTo("ACCEPTED");
      assertThat(answer.get(10, TimeUnit.SECONDS)).containsExactly(7);
    }
    assertThat(log()).contains("call refused method=SubmitSecAgg caller=a (node");
  }

  @Test
  void anAllowListAdmitsOnlyTheNamedNodes() throws Exception {
    service.admitOnly(java.util.Set.of("a"));
    try (var a = link("a"); var b = link("b")) {
      a.register("a");
      assertThatThrownBy(() -> b.register("b")).isInstanceOf(RefusedException.class)
          .hasMessageContaining("PERMISSION_DENIED: node 'b' is not on this run's allow-list");
    }
    assertThat(log()).contains("reason=\"node 'b' is not on this run's allow-list\"");
  }

  @Test
  void aReplayedResultIsCountedOnceAndLogged() throws Exception {
    ParameterSet model = new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {1, 2})));
    try (var a = link("a")) {
      a.register("a");
      Thread.ofVirtual().start(() -> {
        try {
          clients.fit(new FitInstruction("a", 1, model, new FitConfig(1, 1, 0.1, 1)));
        } catch (Exception ignored) {
          // the test only looks at the receipts
        }
      });
      while (a.poll("a").isEmpty()) {
        Thread.sleep(10);
      }
      assertThat(a.submitFit("a", 1, model, 5, Map.of())).isEqualTo("ACCEPTED");
      assertThat(a.submitFit("a", 1, model, 5, Map.of())).isEqualTo("DUPLICATE");
    }
    assertThat(log()).contains("result rejected node=a work=fit/1 reason=duplicate");
  }

  @Test
  void onlyARelayCertificateMayNameASubtreeInItsUpdate() throws Exception {
    ca.issue("relay-1", Role.RELAY, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1), dir.resolve("relay-1"));
    String members = new Subtree(List.of(new Subtree.Member("b", 5, "sha256:00", "a"))).encode();
    ParameterSet model = new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {1, 2})));
    ParameterSet claimed = model.withMetadata(Subtree.METADATA, members);
    for (String kit : List.of("a", "relay-1")) {
      try (var link = link(kit)) {
        awaitFit(link, kit, model);
        if (kit.equals("a")) {
          assertThatThrownBy(() -> link.submitFit(kit, 1, claimed, 5, Map.of())).isInstanceOf(RefusedException.class)
              .hasMessageContaining("a node certificate cannot send an update with 'subtree' metadata");
        } else {
          assertThat(link.submitFit(kit, 1, claimed, 5, Map.of())).isEqualTo("ACCEPTED");
        }
      }
    }
    assertThat(log()).contains("call refused method=SubmitFit");
  }

  @Test
  void aRelayMayUploadTwiceANodesLimitForItsPartialSum() throws Exception {
    ca.issue("relay-1", Role.RELAY, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1), dir.resolve("relay-1"));
    ParameterSet model = new ParameterSet(List.of(new Tensor("w", new int[] {1000}, new float[1000])));
    float[] trained = new float[1000];
    java.util.Arrays.fill(trained, 0.5f);
    ParameterSet update = new ParameterSet(List.of(new Tensor("w", new int[] {1000}, trained)));
    service.limitUploads(3_000); // an update is 4,000 bytes and a header
    for (String kit : List.of("a", "relay-1")) {
      try (var link = link(kit)) {
        awaitFit(link, kit, model);
        if (kit.equals("a")) {
          assertThatThrownBy(() -> link.submitFit(kit, 1, update, 5, Map.of()))
              .hasMessageContaining("exceeds the upload limit of 3000 bytes");
        } else {
          assertThat(link.submitFit(kit, 1, update, 5, Map.of())).isEqualTo("ACCEPTED");
        }
      }
    }
  }

  @Test
  void aPlaintextClientIsNotServed() throws Exception {
    try (var plain = GrpcCoordinatorLink.insecure("127.0.0.1", server.port())) {
      assertThatThrownBy(() -> plain.register("a")).hasMessageContaining("UNAVAILABLE");
    }
    assertThat(clients.nodes()).isEmpty();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!log().contains("no TLS handshake") && System.nanoTime() < deadline) {
      Thread.sleep(20); // the server notices the closed connection on its own thread
    }
    assertThat(log()).contains(
        "connection refused reason=\"no TLS handshake: the client spoke plaintext, or a TLS version other than 1.3\"");
  }

  /** Asserts that a node with {@code kit} cannot even register, and why, on both sides. */
  /** Registers {@code node}, gives it a fit of round 1 and waits until its poll hands the fit over. */
  void awaitFit(GrpcCoordinatorLink link, String node, ParameterSet model) throws Exception {
    link.register(node);
    Thread.ofVirtual().start(() -> {
      try {
        clients.fit(new FitInstruction(node, 1, model, new FitConfig(1, 1, 0.1, 1)));
      } catch (Exception ignored) {
        // the test only looks at the receipts
      }
    });
    while (link.poll(node).isEmpty()) {
      Thread.sleep(10);
    }
  }

  void assertRefused(KitMaterial kit, String reason) throws Exception {
    try (var link = GrpcCoordinatorLink.tls("127.0.0.1", server.port(), kit, null)) {
      assertThatThrownBy(() -> link.register(kit.identity().name())).isInstanceOf(java.io.IOException.class);
    }
    assertThat(log()).contains("certificate refused peer=client reason=\"" + reason);
  }

  /** The same kit, but trusting the federation's CA, so the coordinator's side is what refuses. */
  KitMaterial withCa(KitMaterial k) throws Exception {
    return new KitMaterial(k.dir(), KitMaterial.load(dir.resolve("a")).ca(), k.certificate(), k.key());
  }

  /** Writes to two streams. */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
