package dev.grpcpool.bench.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The machine a run was measured on: CPU model, core count, JDK and OS. JMH's JSON records the JDK but not the
 * CPU, so each run folder carries an {@value #FILE_NAME} beside its JMH JSON ({@link #write}); the compare tool
 * reads it from the JSON file's folder or the nearest parent folder inside the compared path.
 *
 * <p>Raw scores from different CPUs, core counts or JDKs are not comparable; {@link #mismatches} names the
 * differences. A field that was not recorded ({@code null}, or cores {@code 0}) is not counted as a difference.
 *
 * <p>Immutable and thread-safe.
 */
public final class Environment {

  /** File name of the machine description in a run folder. */
  public static final String FILE_NAME = "env.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String cpuModel;
  private final int cores;
  private final String jdkVersion;
  private final String vmName;
  private final String vmVersion;
  private final String os;

  Environment(String cpuModel, int cores, String jdkVersion, String vmName, String vmVersion, String os) {
    this.cpuModel = blankToNull(cpuModel);
    this.cores = Math.max(0, cores);
    this.jdkVersion = blankToNull(jdkVersion);
    this.vmName = blankToNull(vmName);
    this.vmVersion = blankToNull(vmVersion);
    this.os = blankToNull(os);
  }

  static final Environment UNKNOWN = new Environment(null, 0, null, null, null, null);

  /** This machine and this JVM. */
  public static Environment current() {
    return new Environment(probeCpuModel(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"));
  }

  /** Reads {@code file}; an unreadable or malformed file is bad input. */
  static Environment read(Path file) {
    JsonNode n;
    try {
      n = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new CompareInputException(file + ": machine description " + JmhJsonReader.notValid(e), e);
    } catch (IOException e) {
      throw new CompareInputException(file + ": unreadable machine description: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new CompareInputException(file + ": machine description is not a JSON object");
    }
    return new Environment(text(n, "cpuModel"), n.path("cores").asInt(0), text(n, "jdkVersion"),
        text(n, "vmName"), text(n, "vmVersion"), text(n, "os"));
  }

  /**
   * Writes this description to {@code dir/env.json}.
   *
   * @throws IOException if the file exists already (a run's description is never overwritten) or cannot be
   *     written
   */
  public Path write(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      throw new IOException(file + " exists already");
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("cpuModel", cpuModel);
    n.put("cores", cores);
    n.put("jdkVersion", jdkVersion);
    n.put("vmName", vmName);
    n.put("vmVersion", vmVersion);
    n.put("os", os);
    n.put("recordedAt", Instant.now().toString());
    Files.writeString(file, JSON.writeValueAsString(n) + "\n");
    return file;
  }

  /** This description with the JDK fields JMH recorded filled in or corrected (JMH ran the benchmark JVM). */
  Environment withJdk(String jdk, String vm, String vmVer) {
    return new Environment(cpuModel, cores, jdk == null ? jdkVersion : jdk, vm == null ? vmName : vm,
        vmVer == null ? vmVersion : vmVer, os);
  }

  /** Fields known on both sides that differ, as readable phrases; empty when comparable. */
  List<String> mismatches(Environment other) {
    List<String> out = new ArrayList<>();
    differ(out, "CPU", cpuModel, other.cpuModel);
    if (cores > 0 && other.cores > 0 && cores != other.cores) {
      out.add("cores " + cores + " vs " + other.cores);
    }
    differ(out, "JDK", jdkVersion, other.jdkVersion);
    differ(out, "VM", vmName, other.vmName);
    return out;
  }

  /** Whether CPU and cores are recorded (JMH JSON alone only tells the JDK). */
  boolean hasMachine() {
    return cpuModel != null && cores > 0;
  }

  public String cpuModel() {
    return cpuModel;
  }

  public int cores() {
    return cores;
  }

  public String jdkVersion() {
    return jdkVersion;
  }

  public String vmName() {
    return vmName;
  }

  public String os() {
    return os;
  }

  /** One line: {@code Intel(R) Xeon(R) …, 2 cores, JDK 17.0.15 (OpenJDK 64-Bit Server VM), Linux …}. */
  @Override
  public String toString() {
    return (cpuModel == null ? "CPU not recorded" : cpuModel)
        + ", " + (cores > 0 ? cores + " cores" : "cores not recorded")
        + ", JDK " + (jdkVersion == null ? "not recorded" : jdkVersion)
        + (vmName == null ? "" : " (" + vmName + ")")
        + (os == null ? "" : ", " + os);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Environment)) {
      return false;
    }
    Environment e = (Environment) o;
    return cores == e.cores && Objects.equals(cpuModel, e.cpuModel) && Objects.equals(jdkVersion, e.jdkVersion)
        && Objects.equals(vmName, e.vmName) && Objects.equals(vmVersion, e.vmVersion) && Objects.equals(os, e.os);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cpuModel, cores, jdkVersion, vmName, vmVersion, os);
  }

  private static void differ(List<String> out, String what, String a, String b) {
    if (a != null && b != null && !a.equals(b)) {
      out.add(what + " '" + a + "' vs '" + b + "'");
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** The CPU model from /proc/cpuinfo (Linux); falls back to the architecture name elsewhere. */
  private static String probeCpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuinfo)) {
      try (Stream<String> lines = Files.lines(cpuinfo)) {
        String model = lines
            .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst().orElse(null);
        if (model != null) {
          return model;
        }
      } catch (IOException | RuntimeException e) {
        // Unreadable cpuinfo (a sandbox): fall through to the architecture, still better than nothing.
      }
    }
    return System.getProperty("os.arch");
  }
}
