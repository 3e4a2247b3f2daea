package dev.shoal.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One Kubernetes object from a YAML file: the file it came from (as messages show it), its JSON
 * tree (what patches change), and its typed fabric8 model (what the checks read).
 */
record Manifest(Path file, ObjectNode json) {

  static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());

  /** Every YAML document of {@code file}, as trees; empty documents are skipped. */
  static List<JsonNode> documents(Path file) {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": not valid YAML: " + e.getMessage(), e);
    }
    return docs;
  }

  /**
   * The objects in {@code file}, named {@code shown} in messages; a document that is not an
   * object with kind, apiVersion and a name is refused.
   */
  static List<Manifest> read(Path file, Path shown) {
    List<Manifest> out = new ArrayList<>();
    for (JsonNode doc : documents(file)) {
      if (!(doc instanceof ObjectNode o) || !o.hasNonNull("kind") || !o.hasNonNull("apiVersion")
          || o.at("/metadata/name").isMissingNode()) {
        throw new IllegalArgumentException(shown + ": a document without kind, apiVersion and metadata.name");
      }
      Manifest m = new Manifest(shown, o);
      m.typed(); // refuse unknown kinds and fields of the wrong type now, naming the file
      out.add(m);
    }
    return out;
  }

  String kind() {
    return json.path("kind").asText();
  }

  String name() {
    return json.at("/metadata/name").asText();
  }

  /** The object in fabric8's typed model; unknown kinds are refused. */
  HasMetadata typed() {
    try {
      KubernetesResource r = YAML.treeToValue(json, KubernetesResource.class);
      if (r instanceof GenericKubernetesResource || !(r instanceof HasMetadata h)) {
        throw new IllegalArgumentException(where() + ": unknown kind " + json.path("apiVersion").asText() + "/" + kind());
      }
      return h;
    } catch (IOException e) {
      throw new IllegalArgumentException(where() + ": does not fit the Kubernetes model: "
          + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  /** {@code file: Kind name}, the start of every message about this object. */
  String where() {
    return "%s: %s %s".formatted(file, kind(), name());
  }

  Manifest copy() {
    return new Manifest(file, json.deepCopy());
  }
}
