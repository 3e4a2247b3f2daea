package dev.shoal.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentIdTest {

  @Test
  void aContentIdIsAlsoTheCidIpfsGivesTheSameBytes() {
    // the CIDv1 that `ipfs add --cid-version 1 --raw-leaves` prints for a file holding "hello world"
    ContentId id = ContentId.of("hello world".getBytes(StandardCharsets.US_ASCII));
    assertThat(id.value()).isEqualTo("sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    assertThat(id.cid()).isEqualTo("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
  }
}
