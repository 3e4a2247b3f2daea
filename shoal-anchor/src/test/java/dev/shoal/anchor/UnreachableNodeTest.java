package dev.shoal.anchor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

class UnreachableNodeTest {

  @Test
  void saysTheNodeCannotBeReached() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + port));
    try {
      assertThatThrownBy(() -> LedgerAnchor.deploy(web3j, Credentials.create(Ganache.KEY_0), 31337))
          .isInstanceOf(AnchorException.class)
          .hasMessageContaining("cannot reach the Ethereum JSON-RPC node while asking the node for its chain id")
          .hasMessageContaining("check that the node is running and that the RPC URL is right");
    } finally {
      web3j.shutdown();
    }
  }

  @Test
  void refusesAMalformedContractAddressBeforeConnecting() {
    Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:1"));
    try {
      assertThatThrownBy(() -> LedgerAnchor.readOnly("0x1234", web3j, 31337))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("contract address must be 0x followed by 40 hex digits, got 0x1234");
    } finally {
      web3j.shutdown();
    }
  }
}
