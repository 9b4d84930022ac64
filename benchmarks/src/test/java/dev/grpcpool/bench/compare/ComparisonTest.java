package dev.grpcpool.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Comparison} and the verdict rules of {@link KeyComparator}, on hand-made JMH JSON. */
class ComparisonTest {

  @TempDir
  Path tmp;

  private static ComparisonReport compare(String base, String cand) {
    return Comparison.compare(Fixtures.file(base), Fixtures.file(cand), CompareOptions.defaults());
  }

  private static KeyComparison row(ComparisonReport r, String shortName, String params) {
    List<KeyComparison> m = r.rows().stream()
        .filter(k -> k.key().shortName().equals(shortName) && k.key().paramsText().equals(params))
        .collect(Collectors.toList());
    assertThat(m).as("rows for %s [%s]", shortName, params).hasSize(1);
    return m.get(0);
  }

  // ---------------------------------------------------------------- verdicts

  @Test
  void identicalRuns_nothingCalled_exit0() {
    ComparisonReport r = compare("base.json", "base.json");
    assertThat(r.rows()).isNotEmpty().allMatch(k -> k.verdict() == Verdict.UNCHANGED);
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void rerunWithNoise_nothingCalled_exit0() {
    ComparisonReport r = compare("base.json", "rerun.json");
    assertThat(r.rows()).allMatch(k -> k.verdict() == Verdict.UNCHANGED);
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void thirtyPercentDropWithTightErrors_regressedByWelch_onlyThatVariant() {
    ComparisonReport r = compare("base.json", "rr-drop30.json");
    KeyComparison rr = row(r, "PickOverheadBenchmark.pick", "poolSize=4, strategy=ROUND_ROBIN");
    assertThat(rr.verdict()).isEqualTo(Verdict.REGRESSED);
    assertThat(rr.rule()).isEqualTo(Rule.WELCH);
    assertThat(rr.pValue()).isLessThan(0.01);
    assertThat(rr.change()).isBetween(-0.32, -0.28);
    // The other @Param variant of the same method is kept apart and did not move.
    assertThat(row(r, "PickOverheadBenchmark.pick", "poolSize=4, strategy=LEAST_IN_FLIGHT").verdict())
        .isEqualTo(Verdict.UNCHANGED);
    assertThat(r.regressions()).isEqualTo(1);
    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  void directions_thrptHigherIsBetter_avgtLowerIsBetter() {
    ComparisonReport r = compare("base.json", "directions.json");
    // LEAST_IN_FLIGHT thrpt +30 %: more operations per second is an improvement.
    KeyComparison thrpt = row(r, "PickOverheadBenchmark.pick", "poolSize=4, strategy=LEAST_IN_FLIGHT");
    assertThat(thrpt.change()).isPositive();
    assertThat(thrpt.verdict()).isEqualTo(Verdict.IMPROVED);
    // channels=1 avgt +30 %: more microseconds per operation is a regression.
    KeyComparison avgt = row(r, "SingleVsPooledBenchmark.unary", "channels=1");
    assertThat(avgt.change()).isPositive();
    assertThat(avgt.verdict()).isEqualTo(Verdict.REGRESSED);
    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  void differenceInsideWideOverlappingErrors_notRegressed() {
    ComparisonReport r = compare("noisy-base.json", "noisy-cand.json");
    KeyComparison k = r.rows().get(0);
    // The observed drop exceeds the threshold, so the statistics decide: p is far from 0.01.
    assertThat(k.change()).isLessThan(-0.10);
    assertThat(k.rule()).isEqualTo(Rule.WELCH);
    assertThat(k.pValue()).isGreaterThan(0.01);
    assertThat(k.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void tooFewForks_usesNonOverlappingIntervals() {
    ComparisonReport tight = compare("onefork-base.json", "onefork-drop30.json");
    assertThat(tight.rows().get(0).rule()).isEqualTo(Rule.INTERVALS);
    assertThat(tight.rows().get(0).verdict()).isEqualTo(Verdict.REGRESSED);
    ComparisonReport wide = compare("onefork-base.json", "onefork-wide-drop15.json");
    assertThat(wide.rows().get(0).rule()).isEqualTo(Rule.INTERVALS);
    assertThat(wide.rows().get(0).change()).isLessThan(-0.10);
    assertThat(wide.rows().get(0).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void thresholdOption_decidesWhatIsSmallEnoughToIgnore() {
    ComparisonReport strict = Comparison.compare(Fixtures.file("base.json"), Fixtures.file("rr-drop30.json"),
        CompareOptions.builder().threshold(0.40).build());
    assertThat(strict.rows()).allMatch(k -> k.verdict() == Verdict.UNCHANGED);
    assertThat(strict.rows().get(0).rule()).isEqualTo(Rule.THRESHOLD);
  }

  @Test
  void sampleMode_slowerLatencyRegressed() {
    ComparisonReport r = compare("sample-base.json", "sample-slower40.json");
    KeyComparison k = r.rows().get(0);
    assertThat(k.key().mode()).isEqualTo("sample");
    assertThat(k.baseline().forks()).isEqualTo(3);
    assertThat(k.verdict()).isEqualTo(Verdict.REGRESSED);
    assertThat(k.rule()).isEqualTo(Rule.WELCH);
  }

  @Test
  void missingAndNewBenchmarks_reportedNotFailed() {
    ComparisonReport r = compare("base.json", "missing-and-new.json");
    assertThat(row(r, "SingleVsPooledBenchmark.unary", "channels=4").verdict()).isEqualTo(Verdict.MISSING);
    assertThat(row(r, "HealthyPickBenchmark.unary", "down=1").verdict()).isEqualTo(Verdict.NEW);
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void singleValueWithNanError_inconclusiveNeverAVerdict() {
    ComparisonReport r = compare("noraw-nan-base.json", "noraw-nan-cand.json");
    assertThat(r.rows().get(0).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(r.rows().get(0).rule()).isEqualTo(Rule.TOO_LITTLE_DATA);
  }

  @Test
  void noRawDataButJmhErrors_decidedByJmhIntervals() {
    ComparisonReport r = compare("noraw-err-base.json", "noraw-err-cand.json");
    assertThat(r.rows().get(0).rule()).isEqualTo(Rule.JMH_ERROR);
    // ss mode in us/op: 50 → 80 is 60 % slower.
    assertThat(r.rows().get(0).verdict()).isEqualTo(Verdict.REGRESSED);
  }

  @Test
  void allocationPerOpAppearing_regressedEvenWithLegacyMetricName() {
    ComparisonReport r = compare("base.json", "legacy-alloc48.json");
    KeyComparison alloc = row(r, "PickOverheadBenchmark.pick:gc.alloc.rate.norm",
        "poolSize=4, strategy=ROUND_ROBIN");
    assertThat(alloc.unit()).isEqualTo("B/op");
    assertThat(alloc.verdict()).isEqualTo(Verdict.REGRESSED);
    // Allocation-free on both sides: tiny absolute noise is not a relative regression.
    KeyComparison free = row(r, "PickOverheadBenchmark.pick:gc.alloc.rate.norm",
        "poolSize=4, strategy=LEAST_IN_FLIGHT");
    assertThat(free.verdict()).isEqualTo(Verdict.UNCHANGED);
  }

  @Test
  void nothingInCommon_isBadInput() {
    assertThatThrownBy(() -> compare("base.json", "noisy-cand.json"))
        .isInstanceOf(CompareInputException.class).hasMessageContaining("nothing in common");
  }

  // ---------------------------------------------------------------- machines and normalization

  @Test
  void differentMachines_refusedUnlessAllowedOrNormalized() {
    Path base = Fixtures.runFolder(tmp, "base", "norm-base.json");
    Fixtures.env(base, "Fast CPU", 8, "17.0.15");
    Path cand = Fixtures.runFolder(tmp, "cand", "norm-cand-slow2x.json");
    Fixtures.env(cand, "Slow CPU", 2, "17.0.15");

    assertThatThrownBy(() -> Comparison.compare(base, cand, CompareOptions.defaults()))
        .isInstanceOf(CompareInputException.class)
        .hasMessageContaining("different machines")
        .hasMessageContaining("cores 8 vs 2")
        .hasMessageContaining("--normalize-by");

    ComparisonReport raw = Comparison.compare(base, cand,
        CompareOptions.builder().allowEnvMismatch(true).build());
    // Raw scores of a 2× slower machine: every time-based figure looks regressed.
    assertThat(raw.rows().stream().filter(k -> k.verdict() == Verdict.REGRESSED).count()).isGreaterThan(3);
    assertThat(raw.notes()).anyMatch(n -> n.contains("compared anyway"));

    ComparisonReport normalized = Comparison.compare(base, cand,
        CompareOptions.builder().normalizeBy("PickOverheadBenchmark.reference").build());
    assertThat(normalized.rows()).isNotEmpty().noneMatch(k -> k.verdict() == Verdict.REGRESSED);
    assertThat(normalized.rows()).noneMatch(k -> k.key().benchmark().endsWith(".reference"));
    assertThat(normalized.normalization().candidateScore() / normalized.normalization().baselineScore())
        .isBetween(0.45, 0.55);
    assertThat(normalized.exitCode()).isZero();
  }

  @Test
  void normalizeBy_ambiguousOrAbsentReference_isBadInput() {
    CompareOptions ambiguous = CompareOptions.builder().normalizeBy("PickOverheadBenchmark.pick").build();
    assertThatThrownBy(() -> Comparison.compare(Fixtures.file("base.json"), Fixtures.file("base.json"), ambiguous))
        .isInstanceOf(CompareInputException.class).hasMessageContaining("matches 2 results");
    CompareOptions picked =
        CompareOptions.builder().normalizeBy("PickOverheadBenchmark.pick;strategy=LEAST_IN_FLIGHT").build();
    assertThat(Comparison.compare(Fixtures.file("base.json"), Fixtures.file("base.json"), picked).exitCode())
        .isZero();
    CompareOptions absent = CompareOptions.builder().normalizeBy("NoSuchBenchmark.run").build();
    assertThatThrownBy(() -> Comparison.compare(Fixtures.file("base.json"), Fixtures.file("base.json"), absent))
        .isInstanceOf(CompareInputException.class).hasMessageContaining("no such benchmark");
  }

  @Test
  void normalizeBy_referenceMovedToAnotherPackage_stillFoundByClassAndMethod() throws IOException {
    // Stored results name the reference by its old package; a new run by its new one. Both are the same
    // benchmark to --normalize-by, which matches the class's simple name and the method.
    Path base = renameReference("norm-base.json", "dev.grpcpool.bench.compare.ReferenceBenchmark.cpu");
    Path cand = renameReference("norm-cand-slow2x.json", "dev.grpcpool.bench.ReferenceBenchmark.cpu");
    ComparisonReport r = Comparison.compare(base, cand,
        CompareOptions.builder().normalizeBy("ReferenceBenchmark.cpu").build());
    assertThat(r.rows()).isNotEmpty().noneMatch(k -> k.key().benchmark().endsWith("ReferenceBenchmark.cpu"));
    assertThat(r.normalization().candidateScore() / r.normalization().baselineScore()).isBetween(0.45, 0.55);
  }

  /** A copy of the fixture whose reference benchmark is called {@code name}. */
  private Path renameReference(String fixture, String name) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode root = json.readTree(Fixtures.file(fixture).toFile());
    for (JsonNode b : root) {
      if (b.get("benchmark").asText().endsWith(".reference")) {
        ((ObjectNode) b).put("benchmark", name);
      }
    }
    Path file = tmp.resolve(name + "-" + fixture);
    json.writeValue(file.toFile(), root);
    return file;
  }

  @Test
  void normalizeBy_oneDisturbedReferenceFork_doesNotShiftTheVerdicts() throws IOException {
    // The same run, except that one of the reference's five forks ran at a quarter of the speed (the machine
    // was busy): its mean drops by 15 %, which would shift every normalized figure past the threshold.
    ObjectMapper json = new ObjectMapper();
    JsonNode root = json.readTree(Fixtures.file("norm-base.json").toFile());
    for (JsonNode b : root) {
      if (b.get("benchmark").asText().endsWith(".reference")) {
        ArrayNode fork = (ArrayNode) b.get("primaryMetric").get("rawData").get(2);
        for (int i = 0; i < fork.size(); i++) {
          fork.set(i, fork.get(i).asDouble() / 4);
        }
      }
    }
    Path disturbed = tmp.resolve("disturbed-reference.json");
    json.writeValue(disturbed.toFile(), root);
    ComparisonReport r = Comparison.compare(Fixtures.file("norm-base.json"), disturbed,
        CompareOptions.builder().normalizeBy("PickOverheadBenchmark.reference").build());
    assertThat(r.rows()).isNotEmpty()
        .noneMatch(k -> k.verdict() == Verdict.REGRESSED || k.verdict() == Verdict.IMPROVED);
    // The reference's score is the median of its forks: the disturbed fork does not move it.
    assertThat(r.normalization().candidateScore() / r.normalization().baselineScore()).isBetween(0.98, 1.02);
  }

  @Test
  void normalizeBy_onlyTheReferenceInCommon_isBadInput() throws IOException {
    // A baseline whose subset file went missing: only the reference is left to compare.
    ObjectMapper json = new ObjectMapper();
    ArrayNode onlyReference = json.createArrayNode();
    for (JsonNode b : json.readTree(Fixtures.file("norm-base.json").toFile())) {
      if (b.get("benchmark").asText().endsWith(".reference")) {
        onlyReference.add(b);
      }
    }
    Path base = tmp.resolve("reference-only.json");
    json.writeValue(base.toFile(), onlyReference);
    CompareOptions normalized = CompareOptions.builder().normalizeBy("PickOverheadBenchmark.reference").build();
    assertThatThrownBy(() -> Comparison.compare(base, Fixtures.file("norm-base.json"), normalized))
        .isInstanceOf(CompareInputException.class)
        .hasMessageContaining("nothing in common besides the --normalize-by reference");
  }

  @Test
  void otherJmhTimeUnit_convertedBeforeComparing_rawAndNormalized() throws IOException {
    // The same run as if JMH had been started with another -tu: ops/ms instead of ops/s, ns/op instead of us/op.
    ObjectMapper json = new ObjectMapper();
    JsonNode root = json.readTree(Fixtures.file("norm-base.json").toFile());
    for (JsonNode b : root) {
      ObjectNode pm = (ObjectNode) b.get("primaryMetric");
      boolean rate = pm.get("scoreUnit").asText().equals("ops/s");
      double f = rate ? 1e-3 : 1e3;
      pm.put("scoreUnit", rate ? "ops/ms" : "ns/op");
      pm.put("score", pm.get("score").asDouble() * f);
      pm.put("scoreError", pm.get("scoreError").asDouble() * f);
      for (JsonNode fork : pm.get("rawData")) {
        for (int i = 0; i < fork.size(); i++) {
          ((ArrayNode) fork).set(i, fork.get(i).asDouble() * f);
        }
      }
    }
    Path other = tmp.resolve("other-unit.json");
    json.writeValue(other.toFile(), root);

    ComparisonReport raw = Comparison.compare(Fixtures.file("norm-base.json"), other, CompareOptions.defaults());
    assertThat(raw.rows()).isNotEmpty().allMatch(k -> k.verdict() == Verdict.UNCHANGED);
    ComparisonReport normalized = Comparison.compare(Fixtures.file("norm-base.json"), other,
        CompareOptions.builder().normalizeBy("PickOverheadBenchmark.reference").build());
    assertThat(normalized.rows()).isNotEmpty().allMatch(k -> k.verdict() == Verdict.UNCHANGED);
    assertThat(normalized.rows()).allMatch(k -> Math.abs(k.change()) < 1e-9);
  }

  // ---------------------------------------------------------------- output

  @Test
  void reports_nameBenchmarkParamsVerdictAndRule() {
    ComparisonReport r = compare("base.json", "rr-drop30.json");
    String table = ReportFormatter.table(r);
    assertThat(table).contains("PickOverheadBenchmark.pick", "poolSize=4, strategy=ROUND_ROBIN", "regressed",
        "welch: p=", "1 regressed");
    String md = ReportFormatter.markdown(r);
    assertThat(md).startsWith("### Benchmark comparison: regression found")
        .contains("| PickOverheadBenchmark.pick | poolSize=4, strategy=ROUND_ROBIN |", "**regressed**");
    String json = JsonReport.render(r);
    assertThat(json).contains("\"verdict\" : \"regressed\"", "\"rule\" : \"welch\"", "\"exitCode\" : 1",
        "\"strategy\" : \"ROUND_ROBIN\"");
  }

  @Test
  void forksOption_listsEachForksMeanOnBothSides() {
    ComparisonReport r = compare("base.json", "rr-drop30.json");
    KeyComparison k = row(r, "PickOverheadBenchmark.pick", "poolSize=4, strategy=ROUND_ROBIN");
    // base.json: the first fork's iterations are 101288184.753, 101449445.609 and 100066335.809 ops/s.
    assertThat(k.baseline().forkMeans()).hasSize(5);
    assertThat(k.baseline().forkMeans()[0]).isCloseTo(100934655.39, org.assertj.core.data.Offset.offset(0.01));

    String table = ReportFormatter.table(r, true);
    assertThat(table).contains("Per-fork means", "1.009e+08 9.939e+07");
    assertThat(ReportFormatter.table(r)).doesNotContain("Per-fork means");
    assertThat(ReportFormatter.markdown(r, true)).contains("| Baseline forks | Candidate forks |");
    assertThat(JsonReport.render(r)).contains("\"forkMeans\" : [ 1.00934655390333");
  }

  @Test
  void suspects_areTheRegressedAndTheWorseInsideTheNoise() {
    ComparisonReport regressed = compare("base.json", "rr-drop30.json");
    assertThat(RerunList.renderSuspects(regressed)).isEqualTo(RerunList.render(regressed)).isNotEmpty();

    // One fork per side, 15 % slower: inconclusive, but worse than the 10 % threshold.
    ComparisonReport wide = compare("onefork-base.json", "onefork-wide-drop15.json");
    assertThat(wide.rows().get(0).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(RerunList.render(wide)).isEmpty();
    assertThat(RerunList.renderSuspects(wide)).contains(wide.rows().get(0).key().toString());

    ComparisonReport same = compare("base.json", "base.json");
    assertThat(RerunList.renderSuspects(same)).isEmpty();
  }
}
