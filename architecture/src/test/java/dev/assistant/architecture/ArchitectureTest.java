package dev.assistant.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layout the code is meant to keep, checked on the compiled main classes of every module: model
 * code knows nothing of Kafka or the worker runtime, shared code knows no service, services do not
 * reach into each other, the gateway runs no model. Rules name packages, not classes, so code added
 * later (a new backend, a front end, the command-line client) is held to them as soon as its module
 * is a dependency of this one.
 */
class ArchitectureTest {

  /** Every service: the gateway, the three stages, the command-line client. */
  private static final List<String> SERVICES = List.of("gateway", "stt", "llm", "tts", "cli");

  private static final String[] SERVICE_PACKAGES =
      SERVICES.stream().map(s -> "dev.assistant." + s + "..").toArray(String[]::new);

  /** Model code of the stages: each stage's backends, and the LLM's matrix kernels. */
  private static final String[] MODEL_CODE = {
    "dev.assistant.*.backend..", "dev.assistant.llm.quant.."
  };

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.assistant");

  @Test
  void seesTheMainClassesOfEveryModule() {
    for (String pkg :
        List.of(
            "dev.assistant.common.worker",
            "dev.assistant.audio",
            "dev.assistant.gateway.grpc",
            "dev.assistant.stt.backend",
            "dev.assistant.llm.backend.nn",
            "dev.assistant.tts.backend",
            "dev.assistant.cli",
            "dev.assistant.gateway.openai",
            "dev.assistant.gateway.web")) {
      assertTrue(CLASSES.containPackage(pkg), "no classes imported from " + pkg);
    }
    assertTrue(
        CLASSES.stream().noneMatch(c -> c.getSimpleName().endsWith("Test")),
        "test classes were imported; the rules are about production code");
  }

  @Test
  void modelCodeUsesNoKafkaAndNoWorkerRuntime() {
    noClasses()
        .that()
        .resideInAnyPackage(MODEL_CODE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "dev.assistant.common.worker..",
            "dev.assistant.common.kafka..",
            "dev.assistant.common.catalog..",
            "io.grpc..")
        .because(
            "a backend is a model behind an interface; Kafka, gRPC and the worker loop belong to"
                + " the stage's handler, so a backend can be tested and reused without a broker")
        .check(CLASSES);
  }

  @Test
  void sharedCodeKnowsNoService() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.assistant.common..", "dev.assistant.audio..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(SERVICE_PACKAGES)
        .because("common and audio are used by the services; a way back would be a cycle")
        .check(CLASSES);
  }

  @Test
  void servicesDoNotImportEachOther() {
    slices()
        .assignedFrom(SERVICE_SLICES)
        .should()
        .notDependOnEachOther()
        .because(
            "services talk over Kafka topics and the public gRPC API only; what two of them share"
                + " lives in common or audio")
        .check(CLASSES);
  }

  @Test
  void gatewayLoadsNoModel() {
    noClasses()
        .that()
        .resideInAPackage("dev.assistant.gateway..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.assistant.stt..",
            "dev.assistant.llm..",
            "dev.assistant.tts..",
            "ai.djl..",
            "io.github.givimad..",
            "com.sun.speech.freetts..")
        .because(
            "the gateway validates, routes and joins; models run in the stage workers, which scale"
                + " and fail on their own")
        .check(CLASSES);
  }

  @Test
  void commandLineClientUsesOnlyThePublicApi() {
    noClasses()
        .that()
        .resideInAPackage("dev.assistant.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.assistant.gateway..",
            "dev.assistant.stt..",
            "dev.assistant.llm..",
            "dev.assistant.tts..",
            "dev.assistant.common.worker..",
            "dev.assistant.common.kafka..")
        .because("the client is a gRPC client of the gateway, like any other")
        .check(CLASSES);
  }

  @Test
  void packagesHaveNoCycles() {
    slices()
        .matching("dev.assistant.(**)")
        .should()
        .beFreeOfCycles()
        .because("a package that depends on itself through others cannot be read or moved alone")
        // The gateway's root package is its composition root (Gateway wires grpc, kafka and
        // coordinator) and also holds what those share (GatewayMetrics, the FrontEnd hook), so its
        // sub-packages point back at it. Cycles among the sub-packages are still refused.
        .ignoreDependency(
            resideInAPackage("dev.assistant.gateway.."), resideInAPackage("dev.assistant.gateway"))
        .check(CLASSES);
  }

  /** One slice per service (by its top-level package); everything else is in no slice. */
  private static final SliceAssignment SERVICE_SLICES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String pkg = javaClass.getPackageName();
          for (String service : SERVICES) {
            String root = "dev.assistant." + service;
            if (pkg.equals(root) || pkg.startsWith(root + ".")) {
              return SliceIdentifier.of(service);
            }
          }
          return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "services (" + String.join(", ", SERVICES) + ")";
        }
      };
}
