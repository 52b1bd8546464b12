package io.enxame.secrets.pki;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/** PEM text in and out, with Bouncy Castle's reader and writer. Malformed input is an {@link IllegalArgumentException}. */
public final class Pem {
  private Pem() {}

  /** A certificate, CSR or key ({@code JcaPKCS8Generator} for PKCS#8) as PEM text. */
  public static String encode(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  public static X509Certificate certificate(String pem) {
    try {
      return new JcaX509CertificateConverter().getCertificate(read(pem, X509CertificateHolder.class, "certificate"));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("invalid certificate: " + e.getMessage(), e);
    }
  }

  public static PKCS10CertificationRequest csr(String pem) {
    return read(pem, PKCS10CertificationRequest.class, "certificate signing request");
  }

  private static <T> T read(String pem, Class<T> type, String what) {
    if (pem == null) throw new IllegalArgumentException("missing " + what);
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (!type.isInstance(o)) throw new IllegalArgumentException("invalid " + what + ": no PEM block of that type");
      return type.cast(o);
    } catch (IOException | RuntimeException e) { // Bouncy Castle reports bad base64 unchecked
      if (e instanceof IllegalArgumentException iae) throw iae;
      throw new IllegalArgumentException("invalid " + what + ": " + e.getMessage(), e);
    }
  }
}
