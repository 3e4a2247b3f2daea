package dev.shoal.app.deploy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a kustomization directory into its objects as {@code kubectl apply -k} would, for what
 * Shoal's manifests use: {@code resources} (files and directories), {@code namespace}, and
 * {@code patches} from files, strategic merge (containers, volumes, env and the like merged by
 * name, {@code $patch: delete}) or JSON 6902 (add, replace, remove, test), aimed by the patch's own
 * kind and name or by a {@code target} (kind, name, label selector). Whatever does not resolve (a
 * missing file, a patch of a resource that is not there, a JSON pointer that leads nowhere) is
 * collected in {@link #problems()}, naming the file and the field; other kustomize features are
 * refused rather than ignored.
 */
final class Kustomize {

  private static final Set<String> KNOWN = Set.of("apiVersion", "kind", "resources", "namespace", "patches");

  private final Path root;
  private final List<String> problems = new ArrayList<>();

  /** Messages name files relative to {@code root}. */
  Kustomize(Path root) {
    this.root = root;
  }

  List<String> problems() {
    return problems;
  }

  Path shown(Path p) {
    return root.relativize(p.toAbsolutePath().normalize());
  }

  /** The objects {@code dir}'s kustomization.yaml makes. */
  List<Manifest> build(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      problems.add(shown(dir) + ": no kustomization.yaml");
      return new ArrayList<>();
    }
    JsonNode k = Manifest.documents(file).getFirst();
    for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KNOWN.contains(key)) {
        problems.add(shown(file) + ": '" + key + "' is not checked here; use only " + KNOWN);
      }
    }
    List<Manifest> out = new ArrayList<>();
    JsonNode resources = k.path("resources");
    for (int i = 0; i < resources.size(); i++) {
      Path p = dir.resolve(resources.get(i).asText()).normalize();
      if (Files.isDirectory(p)) {
        out.addAll(build(p));
      } else if (Files.isRegularFile(p)) {
        out.addAll(Manifest.read(p, shown(p)));
      } else {
        problems.add("%s: resources[%d] '%s' does not exist".formatted(shown(file), i, resources.get(i).asText()));
      }
    }
    if (k.hasNonNull("namespace")) {
      for (Manifest m : out) {
        if (!m.kind().equals("Namespace")) {
          ((ObjectNode) m.json().get("metadata")).put("namespace", k.get("namespace").asText());
        }
      }
    }
    JsonNode patches = k.path("patches");
    for (int i = 0; i < patches.size(); i++) {
      patch(file, "patches[" + i + "]", patches.get(i), out);
    }
    return out;
  }

  private void patch(Path kustomization, String field, JsonNode entry, List<Manifest> out) {
    String where = shown(kustomization) + ": " + field;
    if (!entry.hasNonNull("path")) {
      problems.add(where + " has no path (only patches from files are checked)");
      return;
    }
    Path file = kustomization.resolveSibling(entry.get("path").asText()).normalize();
    if (!Files.isRegularFile(file)) {
      problems.add(where + ".path '" + entry.get("path").asText() + "' does not exist");
      return;
    }
    List<JsonNode> docs = Manifest.documents(file);
    JsonNode target = entry.path("target");
    if (docs.size() == 1 && docs.getFirst().isArray()) {
      if (target.isMissingNode()) {
        problems.add(where + ": the JSON 6902 patch " + shown(file) + " needs a target");
        return;
      }
      List<Manifest> hits = select(out, target);
      if (hits.isEmpty()) {
        problems.add(where + ".target " + target + " matches no resource of its bases");
      }
      for (Manifest m : hits) {
        json6902(shown(file), (ArrayNode) docs.getFirst(), m);
      }
      return;
    }
    for (JsonNode doc : docs) {
      if (!(doc instanceof ObjectNode patch) || !patch.hasNonNull("kind")) {
        problems.add(shown(file) + ": a strategic merge patch must be an object with a kind");
        continue;
      }
      List<Manifest> hits = target.isMissingNode()
          ? out.stream().filter(m -> m.kind().equals(patch.get("kind").asText())
              && m.name().equals(patch.at("/metadata/name").asText())).toList()
          : select(out, target);
      if (hits.isEmpty()) {
        problems.add("%s: %s %s %s (%s) matches no resource of its bases".formatted(where,
            target.isMissingNode() ? "the patch's" : "target", patch.get("kind").asText(),
            target.isMissingNode() ? patch.at("/metadata/name").asText() : target.toString(), shown(file)));
      }
      if (patch.path("$patch").asText().equals("delete")) {
        out.removeAll(hits);
        continue;
      }
      ObjectNode body = patch.deepCopy();
      if (!target.isMissingNode()) {
        ((ObjectNode) body.path("metadata")).remove("name");
      }
      for (Manifest m : hits) {
        merge(m.json(), body, "");
      }
    }
  }

  /** Objects of {@code out} that a patch target (group, version, kind, name, labelSelector k=v,...) selects. */
  private static List<Manifest> select(List<Manifest> out, JsonNode target) {
    return out.stream().filter(m -> {
      String apiVersion = m.json().path("apiVersion").asText();
      String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
      if (target.has("group") && !target.get("group").asText().equals(group)
          || target.has("version") && !target.get("version").asText().equals(version)
          || target.has("kind") && !target.get("kind").asText().equals(m.kind())
          || target.has("name") && !target.get("name").asText().equals(m.name())) {
        return false;
      }
      if (target.has("labelSelector")) {
        for (String term : target.get("labelSelector").asText().split(",")) {
          String[] kv = term.split("=", 2);
          if (kv.length != 2 || !m.json().at("/metadata/labels").path(kv[0].trim()).asText("\0").equals(kv[1].trim())) {
            return false;
          }
        }
      }
      return true;
    }).toList();
  }

  /** Strategic merge of {@code patch} into {@code base}: objects merge, lists of named objects merge by their key. */
  private static void merge(ObjectNode base, ObjectNode patch, String field) {
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      String key = e.getKey();
      JsonNode pv = e.getValue();
      JsonNode bv = base.get(key);
      if (key.startsWith("$")) {
        continue;
      }
      if (pv.isNull()) {
        base.remove(key);
      } else if (pv.isObject() && bv instanceof ObjectNode bo) {
        merge(bo, (ObjectNode) pv, key);
      } else if (pv.isArray() && bv instanceof ArrayNode ba && mergeKey(key) != null) {
        String mk = mergeKey(key);
        for (JsonNode item : pv) {
          ObjectNode match = null;
          for (JsonNode b : ba) {
            if (b.path(mk).equals(item.path(mk))) {
              match = (ObjectNode) b;
            }
          }
          if (match != null && item instanceof ObjectNode io) {
            merge(match, io, key);
          } else {
            ba.add(item.deepCopy());
          }
        }
      } else {
        base.set(key, pv.deepCopy());
      }
    }
  }

  /** The patch merge key of the Kubernetes lists Shoal's manifests patch; null: the list is replaced. */
  private static String mergeKey(String field) {
    return switch (field) {
      case "containers", "initContainers", "volumes", "env", "imagePullSecrets" -> "name";
      case "volumeMounts" -> "mountPath";
      case "ports" -> "containerPort";
      default -> null;
    };
  }

  private void json6902(Path file, ArrayNode ops, Manifest m) {
    for (int i = 0; i < ops.size(); i++) {
      JsonNode op = ops.get(i);
      String path = op.path("path").asText();
      String where = "%s: [%d] %s %s on %s".formatted(file, i, op.path("op").asText(), path, m.where());
      JsonPointer ptr;
      try {
        ptr = JsonPointer.compile(path);
      } catch (IllegalArgumentException e) {
        problems.add(where + ": not a JSON pointer");
        continue;
      }
      JsonNode node = m.json().at(ptr);
      JsonNode parent = m.json().at(ptr.head());
      String last = ptr.last() == null ? "" : ptr.last().getMatchingProperty();
      switch (op.path("op").asText()) {
        case "test" -> {
          if (!node.equals(op.get("value"))) {
            problems.add(where + ": expected " + op.get("value") + ", found " + (node.isMissingNode() ? "nothing" : node));
          }
        }
        case "add" -> {
          if (parent instanceof ObjectNode po) {
            po.set(last, op.get("value").deepCopy());
          } else if (parent instanceof ArrayNode pa && last.equals("-")) {
            pa.add(op.get("value").deepCopy());
          } else if (parent instanceof ArrayNode pa && last.matches("\\d+") && Integer.parseInt(last) <= pa.size()) {
            pa.insert(Integer.parseInt(last), op.get("value").deepCopy());
          } else {
            problems.add(where + ": the parent " + ptr.head() + " does not exist");
          }
        }
        case "replace", "remove" -> {
          if (node.isMissingNode()) {
            problems.add(where + ": nothing there");
          } else if (parent instanceof ObjectNode po) {
            if (op.path("op").asText().equals("remove")) {
              po.remove(last);
            } else {
              po.set(last, op.get("value").deepCopy());
            }
          } else if (parent instanceof ArrayNode pa) {
            if (op.path("op").asText().equals("remove")) {
              pa.remove(Integer.parseInt(last));
            } else {
              pa.set(Integer.parseInt(last), op.get("value").deepCopy());
            }
          }
        }
        default -> problems.add(where + ": operation not checked here (use add, replace, remove, test)");
      }
    }
  }
}
