package dev.shoal.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.app.Main;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Checks that a set of Kubernetes objects agree with each other, reading them through fabric8's
 * typed model: Services select some workload's pods and target ports those pods' containers
 * declare; probes use ports of their own container; every Secret, ConfigMap and claim a pod
 * mounts or reads exists; a StatefulSet's serviceName names a Service; the shoal command lines of
 * containers parse, a node's {@code --coordinator} names a Service and its gRPC port, and a
 * {@code --config} file is a key of a mounted ConfigMap whose keys are options of that command.
 * Every problem is one line that starts with the file and the object and names the field.
 */
final class ManifestCheck {

  /** A workload's pod template with the object it belongs to; {@code claims}: a StatefulSet's volumeClaimTemplates. */
  private record Workload(Manifest manifest, PodTemplateSpec template, List<String> claims) {
    PodSpec spec() {
      return template.getSpec();
    }

    Map<String, String> labels() {
      return Optional.ofNullable(template.getMetadata()).map(m -> m.getLabels()).orElse(Map.of());
    }

    String where() {
      return manifest.where();
    }
  }

  private final List<Manifest> all;
  private final List<Workload> workloads = new ArrayList<>();
  private final Map<String, List<HasMetadata>> byKind = new HashMap<>();
  private final List<String> problems = new ArrayList<>();

  private ManifestCheck(List<Manifest> all) {
    this.all = all;
    for (Manifest m : all) {
      HasMetadata h = m.typed();
      byKind.computeIfAbsent(h.getKind(), k -> new ArrayList<>()).add(h);
      switch (h) {
        case StatefulSet s -> workloads.add(new Workload(m, s.getSpec().getTemplate(), s.getSpec().getVolumeClaimTemplates()
            .stream().map(c -> c.getMetadata().getName()).toList()));
        case Deployment d -> workloads.add(new Workload(m, d.getSpec().getTemplate(), List.of()));
        case DaemonSet d -> workloads.add(new Workload(m, d.getSpec().getTemplate(), List.of()));
        case Job j -> workloads.add(new Workload(m, j.getSpec().getTemplate(), List.of()));
        case CronJob c -> workloads.add(new Workload(m, c.getSpec().getJobTemplate().getSpec().getTemplate(), List.of()));
        case Pod p -> workloads.add(new Workload(m, new PodTemplateSpec(p.getMetadata(), p.getSpec()), List.of()));
        default -> { }
      }
    }
  }

  /** The problems of {@code all}, one line each; empty when everything agrees. */
  static List<String> check(List<Manifest> all) {
    ManifestCheck c = new ManifestCheck(all);
    c.services();
    c.statefulSets();
    for (Workload w : c.workloads) {
      c.pod(w);
    }
    return c.problems;
  }

  private <T extends HasMetadata> Stream<T> each(Class<T> type) {
    return all.stream().map(Manifest::typed).filter(type::isInstance).map(type::cast);
  }

  private Manifest manifestOf(HasMetadata h) {
    return all.stream().filter(m -> m.kind().equals(h.getKind()) && m.name().equals(h.getMetadata().getName()))
        .findFirst().orElseThrow();
  }

  private boolean exists(String kind, String name) {
    return byKind.getOrDefault(kind, List.of()).stream().anyMatch(h -> h.getMetadata().getName().equals(name));
  }

  private Optional<HasMetadata> find(String kind, String name) {
    return byKind.getOrDefault(kind, List.of()).stream().filter(h -> h.getMetadata().getName().equals(name)).findFirst();
  }

  private List<Workload> selectedBy(Map<String, String> selector) {
    return workloads.stream().filter(w -> w.labels().entrySet().containsAll(selector.entrySet())).toList();
  }

  private void services() {
    each(Service.class).forEach(s -> {
      String where = manifestOf(s).where();
      Map<String, String> selector = Optional.ofNullable(s.getSpec().getSelector()).orElse(Map.of());
      if (selector.isEmpty()) {
        return;
      }
      List<Workload> selected = selectedBy(selector);
      if (selected.isEmpty()) {
        problems.add("%s: spec.selector %s matches the pod template labels of no workload".formatted(where, selector));
        return;
      }
      List<ServicePort> ports = s.getSpec().getPorts();
      for (int i = 0; i < ports.size(); i++) {
        ServicePort p = ports.get(i);
        IntOrString target = p.getTargetPort() != null ? p.getTargetPort() : new IntOrString(p.getPort());
        boolean found = selected.stream().flatMap(w -> containers(w.spec()).stream())
            .anyMatch(c -> hasPort(c, target));
        if (!found) {
          problems.add("%s: spec.ports[%d] (%s) targetPort %s is no container port of %s".formatted(where, i, p.getName(),
              show(target), selected.stream().map(Workload::where).toList()));
        }
      }
    });
  }

  private void statefulSets() {
    each(StatefulSet.class).forEach(s -> {
      String where = manifestOf(s).where();
      String serviceName = s.getSpec().getServiceName();
      if (serviceName == null || !exists("Service", serviceName)) {
        problems.add("%s: spec.serviceName %s names no Service".formatted(where, serviceName));
      }
      Map<String, String> match = s.getSpec().getSelector().getMatchLabels();
      Map<String, String> labels = s.getSpec().getTemplate().getMetadata().getLabels();
      if (match == null || labels == null || !labels.entrySet().containsAll(match.entrySet())) {
        problems.add("%s: spec.selector.matchLabels %s are not all labels of spec.template %s".formatted(where, match, labels));
      }
    });
  }

  private static List<Container> containers(PodSpec spec) {
    List<Container> out = new ArrayList<>(spec.getContainers());
    out.addAll(Optional.ofNullable(spec.getInitContainers()).orElse(List.of()));
    return out;
  }

  private static boolean hasPort(Container c, IntOrString port) {
    for (ContainerPort p : Optional.ofNullable(c.getPorts()).orElse(List.of())) {
      if (port.getStrVal() != null ? port.getStrVal().equals(p.getName()) : Objects.equals(port.getIntVal(), p.getContainerPort())) {
        return true;
      }
    }
    return false;
  }

  private static String show(IntOrString v) {
    return v.getStrVal() != null ? "'" + v.getStrVal() + "'" : String.valueOf(v.getIntVal());
  }

  private void pod(Workload w) {
    PodSpec spec = w.spec();
    String where = w.where();
    List<String> volumes = new ArrayList<>(w.claims());
    for (Volume v : Optional.ofNullable(spec.getVolumes()).orElse(List.of())) {
      volumes.add(v.getName());
      String field = "spec.template.spec.volumes[" + v.getName() + "]";
      if (v.getSecret() != null && !exists("Secret", v.getSecret().getSecretName())) {
        problems.add("%s: %s.secret.secretName %s names no Secret".formatted(where, field, v.getSecret().getSecretName()));
      }
      if (v.getConfigMap() != null && !Boolean.TRUE.equals(v.getConfigMap().getOptional())
          && !exists("ConfigMap", v.getConfigMap().getName())) {
        problems.add("%s: %s.configMap.name %s names no ConfigMap".formatted(where, field, v.getConfigMap().getName()));
      }
      if (v.getPersistentVolumeClaim() != null && !exists("PersistentVolumeClaim", v.getPersistentVolumeClaim().getClaimName())) {
        problems.add("%s: %s.persistentVolumeClaim.claimName %s names no PersistentVolumeClaim"
            .formatted(where, field, v.getPersistentVolumeClaim().getClaimName()));
      }
      if (v.getProjected() != null) {
        v.getProjected().getSources().forEach(s -> {
          if (s.getSecret() != null && !exists("Secret", s.getSecret().getName())) {
            problems.add("%s: %s.projected secret %s names no Secret".formatted(where, field, s.getSecret().getName()));
          }
          if (s.getConfigMap() != null && !exists("ConfigMap", s.getConfigMap().getName())) {
            problems.add("%s: %s.projected configMap %s names no ConfigMap".formatted(where, field, s.getConfigMap().getName()));
          }
        });
      }
    }
    List<String> names = containers(spec).stream().map(Container::getName).toList();
    for (Container c : containers(spec)) {
      String field = "spec.template.spec.containers[" + c.getName() + "]";
      probe(where, field + ".livenessProbe", c, c.getLivenessProbe());
      probe(where, field + ".readinessProbe", c, c.getReadinessProbe());
      probe(where, field + ".startupProbe", c, c.getStartupProbe());
      for (VolumeMount m : Optional.ofNullable(c.getVolumeMounts()).orElse(List.of())) {
        if (!volumes.contains(m.getName())) {
          problems.add("%s: %s.volumeMounts[%s] names no volume of the pod (%s)".formatted(where, field, m.getMountPath(), m.getName()));
        }
      }
      for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
        env(where, field + ".env[" + e.getName() + "]", e, names);
      }
      for (EnvFromSource e : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
        if (e.getSecretRef() != null && !exists("Secret", e.getSecretRef().getName())) {
          problems.add("%s: %s.envFrom secretRef %s names no Secret".formatted(where, field, e.getSecretRef().getName()));
        }
        if (e.getConfigMapRef() != null && !exists("ConfigMap", e.getConfigMapRef().getName())) {
          problems.add("%s: %s.envFrom configMapRef %s names no ConfigMap".formatted(where, field, e.getConfigMapRef().getName()));
        }
      }
      shoal(w, field, c);
    }
  }

  private void probe(String where, String field, Container c, Probe p) {
    if (p == null) {
      return;
    }
    IntOrString port = p.getHttpGet() != null ? p.getHttpGet().getPort()
        : p.getTcpSocket() != null ? p.getTcpSocket().getPort()
        : p.getGrpc() != null ? new IntOrString(p.getGrpc().getPort()) : null;
    if (port != null && !hasPort(c, port)) {
      problems.add("%s: %s port %s is not a port of container %s".formatted(where, field, show(port), c.getName()));
    }
  }

  private void env(String where, String field, EnvVar e, List<String> containerNames) {
    if (e.getValueFrom() == null) {
      return;
    }
    var from = e.getValueFrom();
    if (from.getSecretKeyRef() != null) {
      Optional<HasMetadata> s = find("Secret", from.getSecretKeyRef().getName());
      if (s.isEmpty()) {
        problems.add("%s: %s.valueFrom.secretKeyRef %s names no Secret".formatted(where, field, from.getSecretKeyRef().getName()));
      } else if (!secretKeys((Secret) s.get()).contains(from.getSecretKeyRef().getKey())) {
        problems.add("%s: %s.valueFrom.secretKeyRef key %s is not in Secret %s".formatted(where, field,
            from.getSecretKeyRef().getKey(), from.getSecretKeyRef().getName()));
      }
    }
    if (from.getConfigMapKeyRef() != null) {
      Optional<HasMetadata> m = find("ConfigMap", from.getConfigMapKeyRef().getName());
      if (m.isEmpty()) {
        problems.add("%s: %s.valueFrom.configMapKeyRef %s names no ConfigMap".formatted(where, field, from.getConfigMapKeyRef().getName()));
      } else if (!((ConfigMap) m.get()).getData().containsKey(from.getConfigMapKeyRef().getKey())) {
        problems.add("%s: %s.valueFrom.configMapKeyRef key %s is not in ConfigMap %s".formatted(where, field,
            from.getConfigMapKeyRef().getKey(), from.getConfigMapKeyRef().getName()));
      }
    }
    if (from.getResourceFieldRef() != null && from.getResourceFieldRef().getContainerName() != null
        && !containerNames.contains(from.getResourceFieldRef().getContainerName())) {
      problems.add("%s: %s.valueFrom.resourceFieldRef.containerName %s is no container of the pod".formatted(where, field,
          from.getResourceFieldRef().getContainerName()));
    }
  }

  private static List<String> secretKeys(Secret s) {
    List<String> keys = new ArrayList<>();
    Optional.ofNullable(s.getData()).ifPresent(d -> keys.addAll(d.keySet()));
    Optional.ofNullable(s.getStringData()).ifPresent(d -> keys.addAll(d.keySet()));
    return keys;
  }

  /** A container that runs shoal: its arguments must parse as a shoal command line and point at what is there. */
  private void shoal(Workload w, String field, Container c) {
    List<String> args = new ArrayList<>(Optional.ofNullable(c.getCommand()).orElse(List.of()));
    args.addAll(Optional.ofNullable(c.getArgs()).orElse(List.of()));
    if (c.getImage() == null || !c.getImage().contains("shoal") || args.isEmpty()) {
      return;
    }
    CommandLine cli = new CommandLine(new Main());
    CommandLine.ParseResult parsed;
    try {
      parsed = cli.parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      problems.add("%s: %s.args do not parse as a shoal command line: %s".formatted(w.where(), field, e.getMessage()));
      return;
    }
    CommandLine.ParseResult sub = parsed.subcommand();
    if (sub == null) {
      return;
    }
    if (sub.commandSpec().name().equals("node")) {
      coordinatorAddress(w.where(), field, sub.matchedOptionValue("--coordinator", ""));
    }
    if (sub.hasMatchedOption("--kit")) {
      String kit = sub.matchedOption("--kit").getValue().toString();
      Optional<Volume> v = mountedVolume(w, c, kit, true);
      if (v.isEmpty() || v.get().getSecret() == null) {
        problems.add("%s: %s.args --kit %s is not the mount of a Secret volume".formatted(w.where(), field, kit));
      }
    }
    if (sub.hasMatchedOption("--config")) {
      jobFile(w, field, c, sub);
    }
  }

  private void coordinatorAddress(String where, String field, String address) {
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    String port = colon < 0 ? "" : address.substring(colon + 1);
    String[] labels = host.split("\\.");
    Optional<Service> service = each(Service.class).filter(s -> s.getMetadata().getName().equals(labels[0])).findFirst();
    if (service.isEmpty()) {
      problems.add("%s: %s.args --coordinator %s: %s is no Service".formatted(where, field, address, labels[0]));
      return;
    }
    String namespace = service.get().getMetadata().getNamespace();
    if (labels.length > 1 && namespace != null && !labels[1].equals(namespace)) {
      problems.add("%s: %s.args --coordinator %s: Service %s is in namespace %s".formatted(where, field, address, labels[0], namespace));
    }
    boolean grpc = service.get().getSpec().getPorts().stream().anyMatch(p -> String.valueOf(p.getPort()).equals(port)
        && ("grpc".equals(p.getName()) || p.getTargetPort() != null && "grpc".equals(p.getTargetPort().getStrVal())));
    if (!grpc) {
      problems.add("%s: %s.args --coordinator %s: port %s is not the gRPC port of Service %s".formatted(where, field, address,
          port, labels[0]));
    }
  }

  /** The volume mounted at {@code path} (or, unless {@code exact}, at a directory above it). */
  private static Optional<Volume> mountedVolume(Workload w, Container c, String path, boolean exact) {
    for (VolumeMount m : Optional.ofNullable(c.getVolumeMounts()).orElse(List.of())) {
      String dir = m.getMountPath().endsWith("/") ? m.getMountPath() : m.getMountPath() + "/";
      if (path.equals(m.getMountPath()) || !exact && path.startsWith(dir)) {
        return Optional.ofNullable(w.spec().getVolumes()).orElse(List.of()).stream()
            .filter(v -> v.getName().equals(m.getName())).findFirst();
      }
    }
    return Optional.empty();
  }

  /** {@code --config FILE}: a key of a mounted ConfigMap, whose keys are options of the command. */
  private void jobFile(Workload w, String field, Container c, CommandLine.ParseResult sub) {
    String file = sub.matchedOption("--config").getValue().toString();
    Optional<Volume> v = mountedVolume(w, c, file, false);
    if (v.isEmpty() || v.get().getConfigMap() == null) {
      problems.add("%s: %s.args --config %s is not in a mounted ConfigMap".formatted(w.where(), field, file));
      return;
    }
    String key = file.substring(file.lastIndexOf('/') + 1);
    Optional<HasMetadata> map = find("ConfigMap", v.get().getConfigMap().getName());
    String text = map.map(m -> ((ConfigMap) m).getData()).map(d -> d.get(key)).orElse(null);
    if (text == null) {
      problems.add("%s: %s.args --config %s: ConfigMap %s has no key %s".formatted(w.where(), field, file,
          v.get().getConfigMap().getName(), key));
      return;
    }
    List<String> options = sub.commandSpec().options().stream().map(o -> o.longestName().replaceFirst("^--", "")).toList();
    try {
      JsonNode job = Manifest.YAML.readTree(text);
      for (Iterator<String> it = job.fieldNames(); it.hasNext(); ) {
        String option = it.next();
        if (!options.contains(option) && !option.equals("privacy")) {
          problems.add("%s: ConfigMap %s data.%s: '%s' is not an option of shoal %s".formatted(
              manifestOf(map.get()).file(), map.get().getMetadata().getName(), key, option, sub.commandSpec().name()));
        }
      }
    } catch (java.io.IOException e) {
      problems.add("%s: ConfigMap %s data.%s is not YAML: %s".formatted(manifestOf(map.get()).file(),
          map.get().getMetadata().getName(), key, e.getMessage().lines().findFirst().orElse("")));
    }
  }

  /** Claims that no pod uses are reported too: they are left over from a patch or a rename. */
  static List<String> unusedClaims(List<Manifest> all) {
    ManifestCheck c = new ManifestCheck(all);
    List<String> used = c.workloads.stream().flatMap(w -> Optional.ofNullable(w.spec().getVolumes()).orElse(List.of()).stream())
        .filter(v -> v.getPersistentVolumeClaim() != null).map(v -> v.getPersistentVolumeClaim().getClaimName()).toList();
    return c.each(PersistentVolumeClaim.class).filter(p -> !used.contains(p.getMetadata().getName()))
        .map(p -> c.manifestOf(p).where() + ": no pod mounts this claim").toList();
  }
}
