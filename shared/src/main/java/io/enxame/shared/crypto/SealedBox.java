package io.enxame.shared.crypto;

import io.vertx.core.json.JsonObject;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.util.Arrays;
import org.bouncycastle.util.BigIntegers;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * ECIES-style sealing to a public key (Bouncy Castle): an ephemeral P-256 key pair, ECDH with the
 * recipient's key, HKDF-SHA256 over the shared secret (salted with both public keys), then {@link Aead}.
 * Only the holder of the recipient's private key can open the box. Its JSON form is
 * {@code {"EphemeralKey": b64 (uncompressed point), "Nonce": b64, "Ciphertext": b64}}.
 */
public final class SealedBox {
  private static final X9ECParameters CURVE = ECNamedCurveTable.getByName("P-256");
  private static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE);
  private static final byte[] INFO = "enxame sealed box v1".getBytes(StandardCharsets.UTF_8);
  private static final SecureRandom RANDOM = new SecureRandom();

  private SealedBox() {}

  /** A P-256 key pair held in memory only; {@link #publicKey()} is what others seal to. */
  public static final class KeyPair {
    private final ECPrivateKeyParameters privateKey;
    private final byte[] publicKey;

    private KeyPair(AsymmetricCipherKeyPair pair) {
      this.privateKey = (ECPrivateKeyParameters) pair.getPrivate();
      this.publicKey = ((ECPublicKeyParameters) pair.getPublic()).getQ().getEncoded(false);
    }

    public byte[] publicKey() { return publicKey.clone(); }

    /** Opens a box sealed to this key pair with the same associated data. */
    public byte[] open(JsonObject box, String aad) {
      if (box == null || box.getString("EphemeralKey") == null) throw new SealException("not a sealed box");
      byte[] ephemeral = Aead.unb64(box.getString("EphemeralKey"));
      byte[] key = derive(privateKey, point(ephemeral), ephemeral, publicKey);
      return Aead.open(key, box, aad);
    }
  }

  public static KeyPair generate() {
    ECKeyPairGenerator gen = new ECKeyPairGenerator();
    gen.init(new ECKeyGenerationParameters(DOMAIN, RANDOM));
    return new KeyPair(gen.generateKeyPair());
  }

  /** Seals plaintext to a recipient's public key (an uncompressed P-256 point). */
  public static JsonObject seal(byte[] recipientKey, byte[] plaintext, String aad) {
    ECPublicKeyParameters recipient = point(recipientKey);
    KeyPair ephemeral = generate();
    byte[] key = derive(ephemeral.privateKey, recipient, ephemeral.publicKey, recipientKey);
    return Aead.seal(key, plaintext, aad).put("EphemeralKey", Aead.b64(ephemeral.publicKey));
  }

  /** Checks that bytes are a point on P-256 (what a peer sends as its public key). */
  public static boolean isPublicKey(byte[] encoded) {
    try {
      point(encoded);
      return true;
    } catch (SealException e) {
      return false;
    }
  }

  private static ECPublicKeyParameters point(byte[] encoded) {
    try {
      return new ECPublicKeyParameters(DOMAIN.getCurve().decodePoint(encoded), DOMAIN);
    } catch (RuntimeException e) {
      throw new SealException("not a P-256 public key");
    }
  }

  private static byte[] derive(ECPrivateKeyParameters own, ECPublicKeyParameters peer, byte[] ephemeral, byte[] recipient) {
    ECDHBasicAgreement agreement = new ECDHBasicAgreement();
    agreement.init(own);
    byte[] shared = BigIntegers.asUnsignedByteArray(32, agreement.calculateAgreement(peer));
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(shared, Arrays.concatenate(ephemeral, recipient), INFO));
    byte[] key = new byte[Aead.KEY_BYTES];
    hkdf.generateBytes(key, 0, key.length);
    return key;
  }
}
