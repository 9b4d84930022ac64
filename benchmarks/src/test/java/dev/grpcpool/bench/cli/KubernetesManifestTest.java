package dev.grpcpool.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.grpcpool.bench.load.LoadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Tests for the manifests in {@code scripts/k8s/}: each is read as YAML, the generators' arguments go through the
 * real command line, check included, for every index the Indexed Job gives, and the manifests agree with each
 * other and with the image (so a manifest the CLI would refuse fails the build, not the cluster).
 */
class KubernetesManifestTest {
  private static final Path K8S = Path.of("..", "scripts", "k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void loadJob_everyIndexIsAcceptedByTheCli_andTogetherTheySendTheWholeRate() throws IOException {
    JsonNode job = only(read("load-job.yaml"), "Job");
    JsonNode spec = job.path("spec");
    assertThat(spec.path("completionMode").asText()).isEqualTo("Indexed");
    int n = spec.path("completions").asInt();
    assertThat(n).isGreaterThan(1);
    assertThat(spec.path("parallelism").asInt()).as("parallelism: all generators run at once").isEqualTo(n);
    assertThat(spec.path("template").path("spec").path("restartPolicy").asText()).isEqualTo("Never");

    JsonNode container = spec.path("template").path("spec").path("containers").get(0);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText().replace("START_AT", now.plusSeconds(180).toString())));
    assertThat(args).first().isEqualTo("load");
    assertThat(args).contains("--start-at").doesNotContain("--generator-index");

    double total = 0;
    Set<Integer> indexes = new HashSet<>();
    for (int i = 0; i < n; i++) {
      LoadCommand load = parse(args).getCommand();
      LoadCommand.Checked checked = load.check(now, Map.of(GeneratorOptions.INDEX_ENV, Integer.toString(i)));
      LoadSpec s = checked.settings().spec();
      assertThat(s.generators()).as("--generators equals completions").isEqualTo(n);
      assertThat(s.startAt()).isEqualTo(now.plusSeconds(180));
      indexes.add(s.generatorIndex());
      total += s.rate();
    }
    assertThat(indexes).hasSize(n);
    assertThat(total).isCloseTo(Double.parseDouble(args.get(args.indexOf("--rate") + 1)),
        org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void loadJob_writesWhereTheImageKeepsResults_toTheVolumeItDeclares() throws IOException {
    List<JsonNode> docs = read("load-job.yaml");
    JsonNode pod = only(docs, "Job").path("spec").path("template").path("spec");
    String resultsDir = imageEnv("GRPCPOOL_RESULTS_DIR");
    JsonNode mount = pod.path("containers").get(0).path("volumeMounts").get(0);
    assertThat(mount.path("mountPath").asText()).isEqualTo(resultsDir);
    JsonNode volume = pod.path("volumes").get(0);
    assertThat(volume.path("name").asText()).isEqualTo(mount.path("name").asText());
    String claim = volume.path("persistentVolumeClaim").path("claimName").asText();
    assertThat(only(docs, "PersistentVolumeClaim").path("metadata").path("name").asText()).isEqualTo(claim);
    JsonNode reader = only(read("results-pod.yaml"), "Pod").path("spec");
    assertThat(reader.path("volumes").get(0).path("persistentVolumeClaim").path("claimName").asText())
        .isEqualTo(claim);
    assertThat(reader.path("containers").get(0).path("volumeMounts").get(0).path("mountPath").asText())
        .isEqualTo(resultsDir);
  }

  @Test
  void echoServer_isAcceptedByTheCli_andIsWhatTheGeneratorsTarget() throws IOException {
    List<JsonNode> docs = read("echo-server.yaml");
    JsonNode container = only(docs, "Deployment").path("spec").path("template").path("spec").path("containers")
        .get(0);
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText().replace("$(POD_NAME)", "grpcpool-echo-7d9f-x2x")));
    assertThat(args).first().isEqualTo("serve");
    ServeCommand serve = parse(args).getCommand();
    assertThat(serve.host).as("reachable from other pods").isEqualTo("0.0.0.0");

    JsonNode service = only(docs, "Service");
    assertThat(service.path("spec").path("clusterIP").asText()).as("headless: DNS gives every pod").isEqualTo("None");
    int port = service.path("spec").path("ports").get(0).path("port").asInt();
    assertThat(port).isEqualTo(serve.port);
    JsonNode generator = only(read("load-job.yaml"), "Job").path("spec").path("template").path("spec")
        .path("containers").get(0);
    List<String> loadArgs = new ArrayList<>();
    generator.path("args").forEach(a -> loadArgs.add(a.asText()));
    assertThat(loadArgs.get(loadArgs.indexOf("--target") + 1))
        .isEqualTo("dns:///" + service.path("metadata").path("name").asText() + ".default.svc.cluster.local:" + port);
    assertThat(generator.path("image").asText()).isEqualTo(container.path("image").asText());
  }

  private static CommandLine parse(List<String> args) {
    CommandLine.ParseResult parsed = GrpcPoolCli.commandLine().parseArgs(args.toArray(String[]::new));
    return parsed.subcommand().commandSpec().commandLine();
  }

  private static List<JsonNode> read(String file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(K8S.resolve(file)))) {
      while (it.hasNext()) {
        docs.add(it.next());
      }
    }
    return docs;
  }

  private static JsonNode only(List<JsonNode> docs, String kind) {
    List<JsonNode> found = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    assertThat(found).as("one %s", kind).hasSize(1);
    return found.get(0);
  }

  /** The value the image's Dockerfile gives an environment variable ({@code ENV NAME=value}). */
  private static String imageEnv(String name) throws IOException {
    return Files.readAllLines(K8S.resolve("Dockerfile")).stream()
        .filter(l -> l.startsWith("ENV " + name + "="))
        .map(l -> l.substring(("ENV " + name + "=").length()).trim())
        .findFirst().orElseThrow(() -> new AssertionError("the Dockerfile sets no " + name));
  }
}
