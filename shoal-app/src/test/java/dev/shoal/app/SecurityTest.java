package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.pki.CertificateAuthority;
import dev.shoal.pki.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A participant's kit is checked when it is chosen, before any state is touched. */
class SecurityTest {

  @TempDir Path dir;

  @BeforeEach
  void provision() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test", Duration.ofDays(1));
    ca.issue("hub", Role.COORDINATOR, List.of(), List.of(), Duration.ofDays(1), dir.resolve("hub"));
    ca.issue("site-1", Role.NODE, List.of(), List.of(), Duration.ofDays(1), dir.resolve("site-1"));
  }

  @Test
  void aCoordinatorNeedsACoordinatorKitAndASignedRevocationList() {
    assertThat(Security.coordinator(dir.resolve("hub"), null).isTls()).isTrue();
    assertThatThrownBy(() -> Security.coordinator(dir.resolve("site-1"), null)).isInstanceOf(UserError.class)
        .hasMessageContaining("holds site-1 (node").hasMessageContaining("needs a kit issued with --role coordinator");
    assertThatThrownBy(() -> Security.coordinator(dir.resolve("hub"), dir.resolve("none.pem")))
        .hasMessageContaining("cannot use the revocation list: no revocation list");
    assertThatThrownBy(() -> Security.coordinator(dir.resolve("hub"), dir.resolve("site-1/cert.pem")))
        .hasMessageContaining("is not a revocation list signed by the federation CA");
  }

  @Test
  void aNodeGoesByTheNameInItsNodeCertificate() {
    assertThat(Security.tls(dir.resolve("site-1")).nodeName(null)).isEqualTo("site-1");
    assertThatThrownBy(() -> Security.tls(dir.resolve("site-1")).nodeName("site-2"))
        .hasMessageContaining("--name site-2 differs from the name in the kit's certificate, site-1");
    assertThatThrownBy(() -> Security.tls(dir.resolve("hub")).nodeName(null))
        .hasMessageContaining("a node needs a kit issued with --role node");
    assertThatThrownBy(() -> Security.plaintext().nodeName(null)).hasMessageContaining("--name is required");
    assertThatThrownBy(() -> Security.tls(dir.resolve("missing"))).hasMessageContaining("cannot use the kit: no kit directory");
  }
}
