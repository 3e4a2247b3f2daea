package dev.shoal.strategy;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The ids of {@code count} simulated clients, {@code client-000}, {@code client-001}, … — as many
 * digits as the largest index needs, at least three — without holding {@code count} strings: each
 * id is made when asked for. Index order is the ids' sorted order, so a million registered clients
 * cost a few bytes, and sampling from them ({@link Sampling}) need not copy or sort them.
 */
public final class ClientIds extends AbstractList<String> implements RandomAccess {

  private static final String PREFIX = "client-";

  private final int count;
  private final int digits;

  private ClientIds(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("the number of clients must be >= 0, got " + count);
    }
    this.count = count;
    this.digits = Math.max(3, Integer.toString(Math.max(count - 1, 0)).length());
  }

  /** The ids of {@code count} clients. */
  public static ClientIds of(int count) {
    return new ClientIds(count);
  }

  @Override
  public String get(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException("client index " + index + " of " + count);
    }
    String n = Integer.toString(index);
    return PREFIX + "0".repeat(digits - n.length()) + n;
  }

  @Override
  public int size() {
    return count;
  }

  /** The index of {@code id} among these clients, or -1 if it is not one of them. */
  @Override
  public int indexOf(Object id) {
    if (!(id instanceof String s) || s.length() != PREFIX.length() + digits || !s.startsWith(PREFIX)) {
      return -1;
    }
    long index = 0;
    for (int i = PREFIX.length(); i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      index = index * 10 + (c - '0');
      if (index >= count) {
        return -1;
      }
    }
    return (int) index;
  }

  @Override
  public int lastIndexOf(Object id) {
    return indexOf(id);
  }

  @Override
  public boolean contains(Object id) {
    return indexOf(id) >= 0;
  }
}
