package dev.shoal.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.secagg.SecAggReply.Unmasking;
import dev.shoal.secagg.SecAggRequest.AdvertiseKeys;
import dev.shoal.secagg.SecAggRequest.MaskInput;
import dev.shoal.secagg.SecAggRequest.ShareKeys;
import dev.shoal.secagg.SecAggRequest.Unmask;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecAggClientTest {

  private static final int N = 7;
  private static final int LENGTH = 16;
  private final SecureRandom random = new SecureRandom();
  private final SecAggParams params = new SecAggParams(32, 1, 1000, 4, 3);

  /** A round of N in-process clients driven through the coordinator up to (not into) {@code stage}. */
  private record Driven(SecAggServer server, InProcessRound clients) {}

  private Driven driveTo(SecAggStage stage) throws Exception {
    InProcessRound clients = new InProcessRound(N, LENGTH, 1, 11);
    SecAggServer server = new SecAggServer(params, 2, clients.names, LENGTH, random);
    while (server.stage() != stage) {
      for (var e : server.requests().entrySet()) {
        assertThat(server.accept(e.getKey(), clients.call(e.getKey(), e.getValue()))).isTrue();
      }
      server.endStage();
    }
    return new Driven(server, clients);
  }

  @Test
  void requestsOutOfOrderAreRefusedNamingTheExpectedStage() throws Exception {
    SecAggClient c = new SecAggClient("a", random);
    assertThatThrownBy(() -> c.share(new ShareKeys(Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a expects a ADVERTISE_KEYS request next, got SHARE_KEYS");
    c.advertise(new AdvertiseKeys(1, params, List.of("b", "c", "d", "e")));
    assertThatThrownBy(() -> c.advertise(new AdvertiseKeys(1, params, List.of("b", "c", "d", "e"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expects a SHARE_KEYS request next, got ADVERTISE_KEYS");
    assertThatThrownBy(() -> c.unmask(new Unmask(List.of(), List.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expects a SHARE_KEYS request next, got UNMASK");
  }

  @Test
  void aClientRefusesParametersThatWouldLetTheCoordinatorCollectBothShares() {
    SecAggClient c = new SecAggClient("a", random);
    assertThatThrownBy(() -> c.advertise(new AdvertiseKeys(1, new SecAggParams(32, 1, 10, 4, 2),
            List.of("b", "c", "d", "e"))))
        .hasMessageContaining("threshold = 2 must be more than degree / 2");
    assertThat(c.expectedStage()).isNull();
  }

  @Test
  void aClientRefusesANeighbourListThatDoesNotMatchTheDegree() {
    SecAggClient c = new SecAggClient("a", random);
    assertThatThrownBy(() -> c.advertise(new AdvertiseKeys(1, params, List.of("b", "c", "d"))))
        .hasMessageContaining("degree is 4 but 3 neighbours were named");
    SecAggClient d = new SecAggClient("a", random);
    assertThatThrownBy(() -> d.advertise(new AdvertiseKeys(1, params, List.of("b", "c", "d", "a"))))
        .hasMessageContaining("distinct other clients");
  }

  @Test
  void anUnmaskRequestNamingAClientBothSurvivorAndDroppedIsRefused() throws Exception {
    Driven d = driveTo(SecAggStage.UNMASK);
    String name = d.clients().names.get(0);
    Unmask honest = (Unmask) d.server().requests().get(name);
    assertThat(honest.dropped()).isEmpty();
    List<String> survivors = honest.survivors();
    SecAggClient c = d.clients().clients.get(name);

    assertThatThrownBy(() -> c.unmask(new Unmask(survivors, List.of(survivors.get(0)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(survivors.get(0) + " is named both a survivor and dropped")
        .hasMessageContaining("refused");
    // and once refused it answers nothing more, not even the honest request
    assertThatThrownBy(() -> c.unmask(honest)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("out of this round");
  }

  @Test
  void aClientAnswersUnmaskOnceSoItCannotBeAskedForTheOtherShareLater() throws Exception {
    Driven d = driveTo(SecAggStage.UNMASK);
    String name = d.clients().names.get(1);
    Unmask honest = (Unmask) d.server().requests().get(name);
    SecAggClient c = d.clients().clients.get(name);
    Unmasking first = c.unmask(honest);
    assertThat(first.selfMaskShares().keySet()).containsExactlyInAnyOrderElementsOf(honest.survivors());
    assertThat(first.keyShares()).isEmpty();
    List<String> flipped = new ArrayList<>(honest.survivors());
    assertThatThrownBy(() -> c.unmask(new Unmask(List.of(), flipped)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anUnmaskRequestNamingStrangersOrTooFewSurvivorsIsRefused() throws Exception {
    Driven d = driveTo(SecAggStage.UNMASK);
    List<String> names = d.clients().names;
    SecAggClient c0 = d.clients().clients.get(names.get(0));
    Unmask honest0 = (Unmask) d.server().requests().get(names.get(0));
    String stranger = names.stream().filter(n -> !honest0.survivors().contains(n) && !n.equals(names.get(0)))
        .findFirst().orElseThrow();
    assertThatThrownBy(() -> c0.unmask(new Unmask(honest0.survivors(), List.of(stranger))))
        .hasMessageContaining(stranger + " is not a neighbour that shared with " + names.get(0));

    SecAggClient c2 = d.clients().clients.get(names.get(2));
    Unmask honest2 = (Unmask) d.server().requests().get(names.get(2));
    assertThatThrownBy(() -> c2.unmask(new Unmask(honest2.survivors().subList(0, 2), honest2.survivors().subList(2, 4))))
        .hasMessageContaining("only 2 survivors named, fewer than the threshold t = 3");
  }

  @Test
  void aClientRefusesToMaskWithFewerThanThresholdNeighbours() throws Exception {
    Driven d = driveTo(SecAggStage.MASKED_INPUT);
    String name = d.clients().names.get(0);
    MaskInput full = (MaskInput) d.server().requests().get(name);
    Map<String, byte[]> two = new HashMap<>();
    full.sealedBySender().entrySet().stream().limit(2).forEach(e -> two.put(e.getKey(), e.getValue()));
    assertThatThrownBy(() -> d.clients().clients.get(name).mask(new MaskInput(two), new float[LENGTH]))
        .hasMessageContaining("only 2 neighbours sent shares, fewer than the threshold t = 3");
  }

  @Test
  void aTamperedShareIsRefusedWithTheSendersName() throws Exception {
    Driven d = driveTo(SecAggStage.MASKED_INPUT);
    String name = d.clients().names.get(0);
    MaskInput full = (MaskInput) d.server().requests().get(name);
    String from = full.sealedBySender().keySet().iterator().next();
    Map<String, byte[]> altered = new HashMap<>(full.sealedBySender());
    byte[] bad = altered.get(from).clone();
    bad[0] ^= 1; // the nonce
    altered.put(from, bad);
    assertThatThrownBy(() -> d.clients().clients.get(name).mask(new MaskInput(altered), new float[LENGTH]))
        .isInstanceOf(TamperedShareException.class)
        .hasMessageContaining("the sealed share from " + from + " to " + name + " in round 2 was refused")
        .hasMessageContaining("does not authenticate");
  }

  @Test
  void theMaskedInputIsTheEncodedInputPlusTheMasks() throws Exception {
    Driven d = driveTo(SecAggStage.MASKED_INPUT);
    String name = d.clients().names.get(3);
    SecAggClient c = d.clients().clients.get(name);
    float[] x = d.clients().inputs.get(name);
    int[] y = c.mask((MaskInput) d.server().requests().get(name), x).masked();
    int[] unmasked = y.clone();
    ModVectors.subtractInto(unmasked, c.masks(LENGTH), 32);
    assertThat(unmasked).isEqualTo(params.quantizer(1).encode(x));
    assertThat(y).isNotEqualTo(unmasked);
  }
}
