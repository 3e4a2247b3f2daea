package dev.shoal.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;

class RevertReasonTest {

  private static String encodedError(String reason) {
    return FunctionEncoder.encode(new Function("Error", List.of(new Utf8String(reason)), List.of()));
  }

  @Test
  void decodesSolidityErrorString() {
    String data = encodedError("ShoalAnchor: only the owner may write");
    assertThat(data).startsWith(RevertReason.ERROR_SELECTOR);
    assertThat(RevertReason.decode(data)).contains("ShoalAnchor: only the owner may write");
    assertThat(RevertReason.decode("\"" + data + "\"")).contains("ShoalAnchor: only the owner may write");
  }

  @Test
  void ignoresDataThatIsNotAnErrorString() {
    assertThat(RevertReason.decode(null)).isEmpty();
    assertThat(RevertReason.decode("0x")).isEmpty();
    assertThat(RevertReason.decode("0x" + "00".repeat(32))).isEmpty();
    assertThat(RevertReason.decode(RevertReason.ERROR_SELECTOR + "zz")).isEmpty();
    // a plain return value (whole words) that happens to begin with the selector's bytes
    assertThat(RevertReason.decode(RevertReason.ERROR_SELECTOR + "00".repeat(60))).isEmpty();
  }
}
