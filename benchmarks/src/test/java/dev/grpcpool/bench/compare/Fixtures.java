package dev.grpcpool.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-made JMH result JSON under {@code src/test/resources/compare/}, and run folders built from them. */
public final class Fixtures {

  private Fixtures() {}

  public static Path file(String name) {
    URL url = Fixtures.class.getResource("/compare/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A run folder {@code parent/name} holding a copy of the fixture as {@code jmh-result.json}. */
  public static Path runFolder(Path parent, String name, String fixture) {
    try {
      Path dir = Files.createDirectories(parent.resolve(name));
      Files.copy(file(fixture), dir.resolve("jmh-result.json"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a hand-made machine description into {@code dir}. */
  public static void env(Path dir, String cpu, int cores, String jdk) {
    String json = "{\n  \"cpuModel\": \"" + cpu + "\",\n  \"cores\": " + cores + ",\n  \"jdkVersion\": \"" + jdk
        + "\",\n  \"vmName\": \"OpenJDK 64-Bit Server VM\",\n  \"os\": \"Linux 6.1 amd64\"\n}\n";
    try {
      Files.writeString(dir.resolve(Environment.FILE_NAME), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
