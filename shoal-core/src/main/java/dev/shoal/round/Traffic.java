package dev.shoal.round;

/** Cumulative bytes sent to clients ({@code down}) and received from them ({@code up}). */
public record Traffic(long down, long up) {

  public Traffic minus(Traffic earlier) {
    return new Traffic(down - earlier.down, up - earlier.up);
  }
}
