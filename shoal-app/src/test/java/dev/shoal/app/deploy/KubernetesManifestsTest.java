package dev.shoal.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests under {@code deploy/kubernetes}: every one parses in fabric8's typed model, the
 * base and each overlay build (patches hit what they aim at) into objects that agree with each
 * other (see {@link ManifestCheck}), with the kit Secrets that {@code kits/kustomization.yaml} generates; and
 * the checks do fail when a selector, a Secret, a port, an address or a patch target is wrong.
 */
class KubernetesManifestsTest {

  private static final Path REPO = repository();
  private static final Path KUBERNETES = REPO.resolve("deploy/kubernetes");

  private static Path repository() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy/kubernetes"))) {
        return p;
      }
    }
    throw new IllegalStateException("no deploy/kubernetes in " + Path.of("").toAbsolutePath() + " or above it");
  }

  /** The kustomizations of the workloads: base and the overlays (the kit Secrets are apart). */
  private static List<Path> workloads(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).map(Path::getParent)
          .filter(d -> !d.equals(root.resolve("kits"))).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The kit Secrets that {@code kits/kustomization.yaml} generates from kit directories (which a
   * checkout does not have): one Secret per generator entry, with a key per file it names.
   */
  private static List<Manifest> secrets(Path root, Kustomize k) {
    Path file = root.resolve("kits/kustomization.yaml");
    JsonNode kustomization = Manifest.documents(file).getFirst();
    assertThat(kustomization.at("/generatorOptions/disableNameSuffixHash").asBoolean())
        .as("%s: the workloads mount the Secrets by name, so their names must carry no hash", k.shown(file)).isTrue();
    List<Manifest> out = new ArrayList<>();
    for (JsonNode generator : kustomization.path("secretGenerator")) {
      ObjectNode secret = Manifest.YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
      secret.putObject("metadata").put("name", generator.path("name").asText())
          .put("namespace", kustomization.path("namespace").asText());
      ObjectNode data = secret.putObject("stringData");
      generator.path("files").forEach(f -> data.put(Path.of(f.asText()).getFileName().toString(), ""));
      out.add(new Manifest(k.shown(file), secret));
    }
    assertThat(out).as("%s generates the kit Secrets", k.shown(file)).isNotEmpty();
    return out;
  }

  private static List<String> problems(Path root, Path dir) {
    Kustomize k = new Kustomize(root.getParent().getParent());
    List<Manifest> built = k.build(dir);
    List<Manifest> all = new ArrayList<>(built);
    all.addAll(secrets(root, k));
    List<String> problems = new ArrayList<>(k.problems());
    problems.addAll(ManifestCheck.check(all));
    problems.addAll(ManifestCheck.unusedClaims(built));
    return problems;
  }

  private static Manifest find(List<Manifest> ms, String kind, String name) {
    return ms.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + ms.stream().map(Manifest::where).toList()));
  }

  @Test
  void everyManifestFitsTheTypedModel() throws IOException {
    Kustomize k = new Kustomize(REPO);
    Set<Path> patches = new java.util.HashSet<>();
    for (Path dir : workloads(KUBERNETES)) {
      for (JsonNode p : Manifest.documents(dir.resolve("kustomization.yaml")).getFirst().path("patches")) {
        patches.add(dir.resolve(p.path("path").asText()).normalize());
      }
    }
    List<Manifest> read = new ArrayList<>();
    try (Stream<Path> files = Files.walk(KUBERNETES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.startsWith(KUBERNETES.resolve("kits")))
          .sorted().toList()) {
        if (!f.getFileName().toString().equals("kustomization.yaml") && !patches.contains(f.normalize())) {
          read.addAll(Manifest.read(f, k.shown(f)));
        }
      }
    }
    assertThat(read.stream().map(Manifest::kind).collect(Collectors.toSet()))
        .contains("Namespace", "ConfigMap", "Service", "StatefulSet", "Job", "PersistentVolumeClaim");
    assertThat(patches).as("patch files").isNotEmpty();
  }

  @Test
  void baseAndEveryOverlayBuildIntoObjectsThatAgree() {
    List<Path> dirs = workloads(KUBERNETES);
    assertThat(dirs.stream().map(d -> KUBERNETES.relativize(d).toString()))
        .contains("base", "overlays/edge-k3s", "overlays/production");
    for (Path dir : dirs) {
      assertThat(problems(KUBERNETES, dir)).as("problems of %s", KUBERNETES.relativize(dir)).isEmpty();
    }
  }

  @Test
  void theOverlaysChangeWhatTheySay() {
    Kustomize k = new Kustomize(REPO);
    List<Manifest> edge = k.build(KUBERNETES.resolve("overlays/edge-k3s"));
    assertThat(k.problems()).isEmpty();
    JsonNode site0 = find(edge, "Job", "shoal-node-site-0").json().at("/spec/template/spec");
    assertThat(site0.at("/volumes/1/hostPath/path").asText()).isEqualTo("/srv/shoal/data/site-0");
    assertThat(site0.at("/nodeSelector").toString()).contains("site-0");
    assertThat(site0.at("/containers/0/resources/limits/memory").asText()).isEqualTo("1536Mi");
    assertThat(site0.at("/containers/0/volumeMounts").size()).as("mounts kept by the merge").isEqualTo(4);
    assertThat(edge.stream().filter(m -> m.kind().equals("PersistentVolumeClaim")).map(Manifest::name))
        .as("the data claims are gone, the nodes' state claims stay")
        .containsExactlyInAnyOrder("shoal-node-state-site-0", "shoal-node-state-site-1");
    JsonNode coordinator = find(edge, "StatefulSet", "shoal-coordinator").json().at("/spec");
    assertThat(coordinator.at("/volumeClaimTemplates/0/spec/storageClassName").asText()).isEqualTo("local-path");
    assertThat(coordinator.at("/template/spec/containers/0/resources/limits/memory").asText()).isEqualTo("2Gi");
    assertThat(coordinator.at("/template/spec/containers/0/args").size()).as("args kept by the merge").isEqualTo(11);
    assertThat(edge).allMatch(m -> m.kind().equals("Namespace") || m.json().at("/metadata/namespace").asText().equals("shoal"));

    List<Manifest> production = k.build(KUBERNETES.resolve("overlays/production"));
    assertThat(k.problems()).isEmpty();
    assertThat(find(production, "StatefulSet", "shoal-coordinator").json()
        .at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText()).isEqualTo("50Gi");
    assertThat(find(production, "ConfigMap", "shoal-federated-job").json().at("/data/job.yaml").asText()).contains("rounds: 100");
    assertThat(find(production, "Job", "shoal-node-site-1").json().at("/spec/backoffLimit").asInt()).isEqualTo(20);
  }

  /** Problems of the base after {@code change} edited its built objects (and the kit Secrets). */
  private static List<String> problemsAfter(Consumer<List<Manifest>> change) {
    Kustomize k = new Kustomize(REPO);
    List<Manifest> all = new ArrayList<>(k.build(KUBERNETES.resolve("base")));
    all.addAll(secrets(KUBERNETES, k));
    assertThat(ManifestCheck.check(all)).as("the base before the change").isEmpty();
    change.accept(all);
    return ManifestCheck.check(all);
  }

  @Test
  void aSelectorThatMatchesNoPodIsReported() {
    List<String> problems = problemsAfter(all -> ((ObjectNode) find(all, "Service", "shoal-coordinator").json()
        .at("/spec/selector")).put("app.kubernetes.io/component", "coordinatr"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .startsWith("deploy/kubernetes/base/coordinator-service.yaml: Service shoal-coordinator: spec.selector")
        .contains("coordinatr").contains("matches the pod template labels of no workload"));
  }

  @Test
  void aMissingSecretIsReported() {
    List<String> problems = problemsAfter(all -> all.remove(find(all, "Secret", "shoal-kit-site-1")));
    assertThat(problems).containsExactly("deploy/kubernetes/base/node-site-1.yaml: Job shoal-node-site-1:"
        + " spec.template.spec.volumes[kit].secret.secretName shoal-kit-site-1 names no Secret");
  }

  @Test
  void aJobFileKeyThatIsNoOptionIsReported() {
    List<String> problems = problemsAfter(all -> {
      ObjectNode data = (ObjectNode) find(all, "ConfigMap", "shoal-federated-job").json().get("data");
      data.put("job.yaml", data.get("job.yaml").asText() + "epochs: 3\n");
    });
    assertThat(problems).containsExactly("deploy/kubernetes/base/federated-job.yaml: ConfigMap shoal-federated-job"
        + " data.job.yaml: 'epochs' is not an option of shoal coordinator");
  }

  @Test
  void aProbeOnAPortTheContainerLacksIsReported() {
    List<String> problems = problemsAfter(all -> ((ObjectNode) find(all, "StatefulSet", "shoal-coordinator").json()
        .at("/spec/template/spec/containers/0/readinessProbe/httpGet")).put("port", "metrics"));
    assertThat(problems).containsExactly("deploy/kubernetes/base/coordinator-statefulset.yaml: StatefulSet"
        + " shoal-coordinator: spec.template.spec.containers[coordinator].readinessProbe port 'metrics' is not a port"
        + " of container coordinator");
  }

  @Test
  void aServicePortWithoutItsContainerPortIsReported() {
    List<String> problems = problemsAfter(all -> ((ObjectNode) find(all, "StatefulSet", "shoal-coordinator").json()
        .at("/spec/template/spec/containers/0/ports/1")).put("name", "web"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(
        "deploy/kubernetes/base/coordinator-service.yaml: Service shoal-coordinator: spec.ports[1] (http) targetPort 'http'"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("livenessProbe port 'http' is not a port"));
  }

  @Test
  void aNodeDiallingTheWrongAddressIsReported() {
    List<String> problems = problemsAfter(all -> {
      var args = (com.fasterxml.jackson.databind.node.ArrayNode) find(all, "Job", "shoal-node-site-0").json()
          .at("/spec/template/spec/containers/0/args");
      args.set(2, "shoal-coordinator:7471");
      var args1 = (com.fasterxml.jackson.databind.node.ArrayNode) find(all, "Job", "shoal-node-site-1").json()
          .at("/spec/template/spec/containers/0/args");
      args1.set(2, "coordinator.shoal.svc:7470");
    });
    assertThat(problems).containsExactly(
        "deploy/kubernetes/base/node-site-0.yaml: Job shoal-node-site-0: spec.template.spec.containers[node].args"
            + " --coordinator shoal-coordinator:7471: port 7471 is not the gRPC port of Service shoal-coordinator",
        "deploy/kubernetes/base/node-site-1.yaml: Job shoal-node-site-1: spec.template.spec.containers[node].args"
            + " --coordinator coordinator.shoal.svc:7470: coordinator is no Service");
  }

  @Test
  void aStatefulSetWithoutItsServiceAndArgumentsShoalRefusesAreReported() {
    List<String> problems = problemsAfter(all -> {
      ObjectNode spec = (ObjectNode) find(all, "StatefulSet", "shoal-coordinator").json().get("spec");
      spec.put("serviceName", "coordinator");
      ((com.fasterxml.jackson.databind.node.ArrayNode) spec.at("/template/spec/containers/0/args")).add("--rounds-max");
    });
    assertThat(problems).anySatisfy(p -> assertThat(p).isEqualTo("deploy/kubernetes/base/coordinator-statefulset.yaml:"
        + " StatefulSet shoal-coordinator: spec.serviceName coordinator names no Service"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("deploy/kubernetes/base/coordinator-statefulset.yaml:"
        + " StatefulSet shoal-coordinator: spec.template.spec.containers[coordinator].args do not parse as a shoal"
        + " command line: Unknown option: '--rounds-max'"));
  }

  @Test
  void aPatchOfAResourceTheBasesLackAndABrokenPointerAreReported(@TempDir Path tmp) throws IOException {
    Path copy = tmp.resolve("deploy/kubernetes");
    try (Stream<Path> files = Files.walk(KUBERNETES)) {
      for (Path f : files.toList()) {
        Path to = copy.resolve(KUBERNETES.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    Path edge = copy.resolve("overlays/edge-k3s");
    Files.writeString(edge.resolve("kustomization.yaml"), Files.readString(edge.resolve("kustomization.yaml"))
        .replace("name: shoal-node-site-1", "name: shoal-node-site-9"));
    Files.writeString(edge.resolve("coordinator-resources.yaml"), Files.readString(edge.resolve("coordinator-resources.yaml"))
        .replace("name: shoal-coordinator", "name: coordinator"));
    Files.writeString(edge.resolve("node-site-0-host-data.yaml"), Files.readString(edge.resolve("node-site-0-host-data.yaml"))
        .replace("volumes/1", "volumes/7"));
    List<String> problems = problems(copy, edge);
    assertThat(problems).contains(
        "deploy/kubernetes/overlays/edge-k3s/kustomization.yaml: patches[0]: the patch's StatefulSet coordinator"
            + " (deploy/kubernetes/overlays/edge-k3s/coordinator-resources.yaml) matches no resource of its bases",
        "deploy/kubernetes/overlays/edge-k3s/node-site-0-host-data.yaml: [0] test /spec/template/spec/volumes/7/name on"
            + " deploy/kubernetes/base/node-site-0.yaml: Job shoal-node-site-0: expected \"data\", found nothing",
        "deploy/kubernetes/overlays/edge-k3s/node-site-0-host-data.yaml: [1] replace /spec/template/spec/volumes/7 on"
            + " deploy/kubernetes/base/node-site-0.yaml: Job shoal-node-site-0: nothing there",
        "deploy/kubernetes/base/node-site-1.yaml: Job shoal-node-site-1: spec.template.spec.volumes[data]"
            + ".persistentVolumeClaim.claimName shoal-data-site-1 names no PersistentVolumeClaim");
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(
        "deploy/kubernetes/overlays/edge-k3s/kustomization.yaml: patches[4].target").endsWith("matches no resource of its bases"));
  }
}
