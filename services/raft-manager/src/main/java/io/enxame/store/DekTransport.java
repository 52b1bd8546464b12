package io.enxame.store;

import io.vertx.core.json.JsonObject;

import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Hands the cluster's data key to a joining member over the Raft port: the joiner sends an
 * ephemeral X25519 public key, the leader answers with its own ephemeral public key and the DEK
 * sealed (AES-256-GCM) under a key derived from the X25519 shared secret. The DEK never crosses
 * the wire in the clear. This protects against eavesdroppers, not against an active impostor:
 * until join tokens and mutual TLS on the Raft port arrive, that port must be reachable by managers only.
 */
final class DekTransport {
  private static final String PURPOSE = "join";
  private static final byte[] LABEL = "enxame dek transport v1".getBytes(StandardCharsets.UTF_8);

  /** The joiner's side: an ephemeral key pair, and opening the answer with it. */
  static final class Request {
    private final KeyPair pair;

    Request(SecureRandom random) {
      try {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("X25519");
        gen.initialize(255, random);
        pair = gen.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("X25519 is not available", e);
      }
    }

    String publicKey() { return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()); }

    byte[] open(String leaderPublicKey, String wrappedDek) {
      byte[] kek = sharedKey(pair.getPrivate(), decode(leaderPublicKey));
      return new Sealer(kek, new SecureRandom()).open(Base64.getDecoder().decode(wrappedDek), PURPOSE);
    }
  }

  /** The leader's side: {@code {"publicKey":..., "wrappedDek":...}} for the joiner's public key. */
  static JsonObject offer(byte[] dek, String joinerPublicKey, SecureRandom random) {
    Request own = new Request(random);
    byte[] kek = sharedKey(own.pair.getPrivate(), decode(joinerPublicKey));
    byte[] wrapped = new Sealer(kek, random).seal(dek, PURPOSE);
    return new JsonObject().put("publicKey", own.publicKey())
        .put("wrappedDek", Base64.getEncoder().encodeToString(wrapped));
  }

  private static PublicKey decode(String b64) {
    try {
      return KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new StoreError(400, "not an X25519 public key");
    }
  }

  private static byte[] sharedKey(PrivateKey mine, PublicKey theirs) {
    try {
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(mine);
      agreement.doPhase(theirs, true);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(LABEL, "HmacSHA256"));
      return mac.doFinal(agreement.generateSecret());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("X25519 key agreement failed", e);
    }
  }
}
