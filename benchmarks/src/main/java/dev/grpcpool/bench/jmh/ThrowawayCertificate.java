package dev.grpcpool.bench.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throw-away self-signed certificates made when a test or benchmark starts with the JDK's {@code keytool}, written as PEM files
 * into a temporary folder of the caller: nothing is committed that anyone could mistake for a real key. Each is valid
 * for two days, for {@code localhost} and {@code 127.0.0.1}.
 *
 * <p>Not thread-safe; one instance per certificate.
 */
public final class ThrowawayCertificate {

  private static final String PASSWORD = "throwaway";

  /** The PEM certificate (also usable as the trust anchor of whoever must trust it). */
  public final Path certificate;
  /** The PEM PKCS#8 private key. */
  public final Path privateKey;

  private ThrowawayCertificate(Path certificate, Path privateKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
  }

  /** Generates a key pair and self-signed certificate named {@code alias} in {@code dir}. */
  public static ThrowawayCertificate generate(Path dir, String alias, String commonName) throws Exception {
    Path keyStore = dir.resolve(alias + ".p12");
    keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + commonName, "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    // What "keytool -exportcert -rfc" writes, without starting another JVM for it.
    Path certificate = dir.resolve(alias + ".pem");
    Files.writeString(certificate, pem("CERTIFICATE", ks.getCertificate(alias).getEncoded()),
        StandardCharsets.US_ASCII);
    // getEncoded() of a private key is its PKCS#8 DER form, which PEM wraps as "PRIVATE KEY".
    Key key = ks.getKey(alias, PASSWORD.toCharArray());
    Path privateKey = dir.resolve(alias + ".key");
    Files.writeString(privateKey, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    return new ThrowawayCertificate(certificate, privateKey);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }
}
