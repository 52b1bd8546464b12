package io.enxame.shared.crypto;

/** A sealed message that cannot be opened: wrong key, tampered bytes, or not a sealed message at all. */
public final class SealException extends RuntimeException {
  public SealException(String message) { super(message); }
}
