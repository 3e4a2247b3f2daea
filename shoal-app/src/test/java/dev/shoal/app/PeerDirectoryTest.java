package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.peer.PeerInfo;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a peer believes of what other peers tell it about third peers. */
class PeerDirectoryTest {

  final PeerDirectory directory = new PeerDirectory("peer-0", List.of("10.0.0.1:7480"), address -> {
    throw new IOException("no dialling here");
  }, Clock.fixed(Instant.parse("2026-12-05T00:00:00Z"), ZoneOffset.UTC), 8);

  @Test
  void aRelayedClaimOfBeingFarAheadDoesNotMakeAPeerTheOneToCatchUpFrom() {
    directory.learn(new PeerInfo("ghost", "10.9.9.9:7480", "", 1_000_000_000L), false);
    assertThat(directory.get("ghost")).hasValueSatisfying(k -> assertThat(k.decided()).isEqualTo(PeerDirectory.UNHEARD));
    assertThat(directory.ahead(5)).isEmpty();

    // what a peer says of itself counts: on its own call, or answering this peer's greeting
    directory.learn(new PeerInfo("peer-1", "10.0.0.2:7480", "key-1", 9), true);
    directory.heard(new PeerInfo("peer-2", "10.0.0.3:7480", "", 12));
    directory.heard(new PeerInfo("peer-3", "10.0.0.4:7480", "", 4));
    assertThat(directory.ahead(5)).extracting(PeerDirectory.Known::name).containsExactly("peer-2", "peer-1");
  }

  @Test
  void aFloodOfRelayedNamesTakesOnlyTheRoomThereIs() {
    for (int i = 0; i < 10_000; i++) {
      directory.learn(new PeerInfo("ghost-" + i, "10.9." + i / 250 + "." + i % 250 + ":7480", "", 0), false);
    }
    assertThat(directory.known()).hasSize(8);
    assertThat(directory.addresses()).as("the bootstrap address and the 8 taken").hasSize(9);

    directory.learn(new PeerInfo("peer-1", "10.0.0.2:7480", "key-1", 3), true);
    assertThat(directory.key("peer-1")).as("a peer that greets this one itself is taken all the same").hasValue("key-1");
  }
}
