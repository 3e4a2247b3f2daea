package dev.shoal.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcceptorTest {

  @TempDir Path dir;

  private static final byte[] A = "{\"entry\":\"a\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] B = "{\"entry\":\"b\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void aPromiseRefusesLowerBallotsAndReportsWhatWasAccepted() throws IOException {
    Acceptor a = Acceptor.open(dir.resolve("paxos.state"));
    assertThat(a.prepare(3, new Ballot(1, "p1")).granted()).isTrue();
    assertThat(a.accept(3, new Ballot(1, "p1"), A)).isEmpty();
    Promise higher = a.prepare(3, new Ballot(2, "p2"));
    assertThat(higher.granted()).isTrue();
    assertThat(higher.accepted()).hasValueSatisfying(acc -> {
      assertThat(acc.ballot()).isEqualTo(new Ballot(1, "p1"));
      assertThat(acc.entry()).isEqualTo(A);
    });
    assertThat(a.accept(3, new Ballot(1, "p1"), B)).hasValueSatisfying(r -> assertThat(r).contains("below the promised 2/p2"));
    assertThat(a.prepare(3, new Ballot(2, "p1")).granted()).as("same number, lower name").isFalse();
  }

  @Test
  void whatWasPromisedSurvivesARestart() throws IOException {
    Path file = dir.resolve("paxos.state");
    Acceptor a = Acceptor.open(file);
    a.prepare(5, new Ballot(4, "p3"));
    a.accept(5, new Ballot(4, "p3"), B);
    Acceptor again = Acceptor.open(file);
    assertThat(again.promised(5)).isEqualTo(new Ballot(4, "p3"));
    assertThat(again.prepare(5, new Ballot(3, "p9")).granted()).isFalse();
    assertThat(again.prepare(5, new Ballot(5, "p1")).accepted()).hasValueSatisfying(acc -> assertThat(acc.entry()).isEqualTo(B));
  }

  @Test
  void aLaterRoundStartsAfreshAndAnEarlierOneIsOver() throws IOException {
    Acceptor a = Acceptor.open(dir.resolve("paxos.state"));
    a.prepare(1, new Ballot(7, "p1"));
    a.accept(1, new Ballot(7, "p1"), A);
    Promise next = a.prepare(2, new Ballot(1, "p2"));
    assertThat(next.granted()).isTrue();
    assertThat(next.accepted()).isEmpty();
    assertThat(a.prepare(1, new Ballot(9, "p1")).granted()).isFalse();
    assertThat(a.accept(1, new Ballot(9, "p1"), B)).hasValueSatisfying(r -> assertThat(r).contains("round 1 is over"));
  }

  @Test
  void aDamagedStateIsRefusedNotGuessed() throws IOException {
    Path file = dir.resolve("paxos.state");
    Files.writeString(file, "3\nnot-a-number\n");
    assertThatThrownBy(() -> Acceptor.open(file)).isInstanceOf(IOException.class).hasMessageContaining("is damaged");
  }
}
