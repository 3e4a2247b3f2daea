package dev.shoal.ledger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A C2SP {@code signed-note}: a text followed by a blank line and one or more signature lines.
 * <pre>
 * shoal/run-42
 * 17
 * base64(root)
 *
 * — shoal.example/log base64(key hash || signature)
 * — witness.example/w1 base64(key hash || timestamp || signature)
 * </pre>
 * The text is non-empty UTF-8 ending in a newline, with no control characters other than
 * newline. Signature lines start with an em dash (U+2014) and a space; each ends in a newline.
 * Parsing accepts at most {@value #MAX_SIGNATURES} signatures.
 *
 * @param text the note text, ending in a newline
 * @param signatures the signatures in the order they appear
 */
public record SignedNote(String text, List<NoteSignature> signatures) {

  /** The most signatures a note may carry. */
  public static final int MAX_SIGNATURES = 100;

  private static final String SIGNATURE_PREFIX = "\u2014 ";

  public SignedNote {
    requireText(text);
    signatures = List.copyOf(signatures);
    if (signatures.isEmpty()) {
      throw new IllegalArgumentException("a signed note needs at least one signature");
    }
    if (signatures.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException("note has " + signatures.size() + " signatures: at most "
          + MAX_SIGNATURES + " are allowed");
    }
  }

  /** Signs a text with a key. */
  public static SignedNote sign(String text, NoteSigner signer) {
    return new SignedNote(text, List.of(signer.sign(text)));
  }

  /** This note with one more signature; an existing signature by the same key is replaced. */
  public SignedNote withSignature(NoteSignature signature) {
    List<NoteSignature> sigs = new ArrayList<>();
    for (NoteSignature s : signatures) {
      if (!(s.name().equals(signature.name()) && s.keyHash() == signature.keyHash())) {
        sigs.add(s);
      }
    }
    sigs.add(signature);
    return new SignedNote(text, sigs);
  }

  /** The whole note: text, a blank line, signature lines. */
  public String encode() {
    StringBuilder sb = new StringBuilder(text).append('\n');
    for (NoteSignature s : signatures) {
      sb.append(s.line());
    }
    return sb.toString();
  }

  /**
   * Parses a signed note without verifying it.
   *
   * @throws IllegalArgumentException saying what is malformed
   */
  public static SignedNote parse(String message) {
    int split = message.lastIndexOf("\n\n");
    if (split < 0) {
      throw new IllegalArgumentException("malformed note: no blank line between the text and the signatures");
    }
    String text = message.substring(0, split + 1);
    String sigs = message.substring(split + 2);
    requireText(text);
    if (!sigs.endsWith("\n")) {
      throw new IllegalArgumentException("malformed note: the last signature line must end with a newline");
    }
    List<NoteSignature> signatures = new ArrayList<>();
    for (String line : sigs.substring(0, sigs.length() - 1).split("\n", -1)) {
      if (signatures.size() == MAX_SIGNATURES) {
        throw new IllegalArgumentException("malformed note: more than " + MAX_SIGNATURES + " signatures");
      }
      signatures.add(parseLine(line));
    }
    return new SignedNote(text, signatures);
  }

  private static NoteSignature parseLine(String line) {
    if (!line.startsWith(SIGNATURE_PREFIX)) {
      throw new IllegalArgumentException("malformed note: signature line \"" + line
          + "\" does not start with an em dash (U+2014) and a space");
    }
    String rest = line.substring(SIGNATURE_PREFIX.length());
    int space = rest.lastIndexOf(' ');
    if (space < 0) {
      throw new IllegalArgumentException("malformed note: signature line \"" + line + "\" has no signature after the name");
    }
    String name = rest.substring(0, space);
    String b64 = rest.substring(space + 1);
    if (!KeyNames.valid(name)) {
      throw new IllegalArgumentException("malformed note: key name \"" + name
          + "\" must be non-empty with no spaces and no '+'");
    }
    byte[] payload;
    try {
      payload = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed note: signature by " + name + " is not standard base64", e);
    }
    if (!Base64.getEncoder().encodeToString(payload).equals(b64)) {
      throw new IllegalArgumentException("malformed note: signature by " + name + " is not canonical padded base64");
    }
    if (payload.length < 5) {
      throw new IllegalArgumentException("malformed note: signature by " + name
          + " has " + payload.length + " bytes: at least a 4-byte key hash and a signature are needed");
    }
    int hash = ByteBuffer.wrap(payload, 0, 4).getInt();
    return new NoteSignature(name, hash, Arrays.copyOfRange(payload, 4, payload.length));
  }

  /**
   * Verifies the note against the keys a reader trusts. Signatures by keys not in
   * {@code verifiers} are set aside as unverified. The note is refused if a trusted key's
   * signature is invalid, if two trusted keys share a name and key hash, or if no trusted key
   * signed it.
   *
   * @throws NoteVerificationException saying why the note is refused
   */
  VerifiedNote verify(Collection<? extends NoteVerifier> verifiers) throws NoteVerificationException {
    Set<NoteSignature> verified = new LinkedHashSet<>();
    Set<NoteSignature> unverified = new LinkedHashSet<>();
    List<Cosignature> cosignatures = new ArrayList<>();
    for (NoteSignature sig : signatures) {
      List<? extends NoteVerifier> matches = verifiers.stream()
          .filter(v -> v.name().equals(sig.name()) && v.keyHash() == sig.keyHash())
          .distinct()
          .toList();
      if (matches.isEmpty()) {
        unverified.add(sig);
        continue;
      }
      if (matches.size() > 1) {
        throw new NoteVerificationException("ambiguous key " + sig.keyId()
            + ": more than one trusted key has this name and key hash");
      }
      NoteVerifier v = matches.get(0);
      if (!v.verify(text, sig.signature())) {
        throw new NoteVerificationException("invalid signature for key " + sig.keyId()
            + ": the note text or the signature was altered");
      }
      if (verified.add(sig) && v instanceof CosignatureVerifier) {
        cosignatures.add(new Cosignature(sig.name(), sig.keyHash(), CosignatureVerifier.timestamp(sig.signature())));
      }
    }
    if (verified.isEmpty()) {
      throw new NoteVerificationException("note has no verifiable signatures: it is signed by "
          + signatures.stream().map(NoteSignature::keyId).distinct().toList()
          + " and none of these is a trusted key");
    }
    return new VerifiedNote(text, List.copyOf(verified), List.copyOf(unverified), cosignatures);
  }

  /** A note text is non-empty UTF-8 ending in a newline, with no control characters but newline. */
  static void requireText(String text) {
    if (text == null || text.isEmpty() || !text.endsWith("\n")) {
      throw new IllegalArgumentException("malformed note: the text must be non-empty and end with a newline");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\n' && (c < 0x20 || c == 0x7f)) {
        throw new IllegalArgumentException("malformed note: the text contains control character U+"
            + String.format("%04X", (int) c) + " at position " + i + "; only newline is allowed");
      }
      if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(++i)))) {
        throw new IllegalArgumentException("malformed note: the text is not valid Unicode at position " + i);
      }
    }
  }
}
