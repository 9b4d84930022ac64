package dev.grpcpool.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Tests that the benchmarks module's package trees depend on each other one way only, as its
 * {@code package-info.java} files describe: the CLI on everything, nothing on the CLI; the compare tool on
 * nothing of gRPC, JMH or the rest of the module; the load generator and the JMH suites not on each other. And
 * that the layers below keep to theirs: pool-core and bench-server depend on neither each other nor this module,
 * and only the suites use the pool's internal pick hook.
 *
 * <p>Reads the compiled main classes (not the tests, not JMH's generated {@code jmh_generated} classes, which
 * are JMH's business). A rule that matches no class fails, so a renamed package cannot make a rule vacuous.
 */
class PackageDependenciesTest {

  /** The JMH suites: exactly the root package, whose class names are the identity of stored results. */
  private static final String SUITES = "dev.grpcpool.bench";
  private static final String JMH_SUPPORT = "dev.grpcpool.bench.jmh..";
  private static final String LOAD = "dev.grpcpool.bench.load..";
  private static final String COMPARE = "dev.grpcpool.bench.compare..";
  private static final String CLI = "dev.grpcpool.bench.cli..";
  /** What the suites and the load generator share: latency recording, run files, a metrics endpoint, the work vocabulary. */
  private static final String[] SHARED = {
      "dev.grpcpool.bench.latency..", "dev.grpcpool.bench.results..", "dev.grpcpool.bench.metrics..",
      "dev.grpcpool.bench.work.."};

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(location -> !location.contains("/jmh_generated/"))
      .importPackages("dev.grpcpool.bench");

  /** The library and the echo server, read from the class path as this module sees them. */
  private static final JavaClasses LOWER_LAYERS = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.grpcpool.core", "dev.grpcpool.server");

  @Test
  void poolCore_dependsOnNeitherTheServerNorTheBenchmarks() {
    noClasses().that().resideInAPackage("dev.grpcpool.core..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.grpcpool.server..", "dev.grpcpool.bench..")
        .check(LOWER_LAYERS);
  }

  @Test
  void benchServer_dependsOnNeitherThePoolNorTheBenchmarks() {
    noClasses().that().resideInAPackage("dev.grpcpool.server..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.grpcpool.core..", "dev.grpcpool.bench..")
        .check(LOWER_LAYERS);
  }

  @Test
  void onlyTheSuites_reachThePoolsInternalPick() {
    noClasses().that().resideOutsideOfPackage(SUITES)
        .should().dependOnClassesThat().haveFullyQualifiedName("dev.grpcpool.core.InternalChannelPool")
        .check(CLASSES);
  }

  @Test
  void compare_usesOnlyTheJdkJacksonAndHdrHistogram() {
    classes().that().resideInAPackage(COMPARE)
        .should().onlyDependOnClassesThat()
        .resideInAnyPackage(COMPARE, "java..", "com.fasterxml.jackson..", "org.HdrHistogram..")
        .check(CLASSES);
  }

  @Test
  void nothingButTheCli_dependsOnTheCli() {
    noClasses().that().resideOutsideOfPackage(CLI)
        .should().dependOnClassesThat().resideInAPackage(CLI)
        .check(CLASSES);
  }

  @Test
  void loadGenerator_dependsNeitherOnTheSuitesNorOnTheCompareTool() {
    noClasses().that().resideInAPackage(LOAD)
        .should().dependOnClassesThat().resideInAnyPackage(SUITES, JMH_SUPPORT, COMPARE, "org.openjdk.jmh..")
        .check(CLASSES);
  }

  @Test
  void suites_dependNeitherOnTheCompareToolNorOnTheLoadGenerator() {
    noClasses().that().resideInAnyPackage(SUITES, JMH_SUPPORT)
        .should().dependOnClassesThat().resideInAnyPackage(COMPARE, LOAD)
        .check(CLASSES);
  }

  @Test
  void jmhSupport_doesNotDependOnTheSuites() {
    noClasses().that().resideInAPackage(JMH_SUPPORT)
        .should().dependOnClassesThat().resideInAPackage(SUITES)
        .check(CLASSES);
  }

  @Test
  void sharedPackages_dependOnNoToolOfTheModule() {
    noClasses().that().resideInAnyPackage(SHARED)
        .should().dependOnClassesThat().resideInAnyPackage(SUITES, JMH_SUPPORT, LOAD, COMPARE, CLI)
        .check(CLASSES);
  }
}
