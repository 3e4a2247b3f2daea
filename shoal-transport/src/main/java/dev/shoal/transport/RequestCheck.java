package dev.shoal.transport;

import dev.shoal.pki.Names;
import dev.shoal.transport.proto.Assignment;
import dev.shoal.transport.proto.BlobRef;
import dev.shoal.transport.proto.CheckpointRequest;
import dev.shoal.transport.proto.CosignRequest;
import dev.shoal.transport.proto.DownloadRequest;
import dev.shoal.transport.proto.EvaluationResult;
import dev.shoal.transport.proto.FailureReport;
import dev.shoal.transport.proto.FitResult;
import dev.shoal.transport.proto.NodeRef;
import dev.shoal.transport.proto.RegisterRequest;
import dev.shoal.transport.proto.SecAggAnswer;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a request from a node may contain, checked before any service code sees it: node and stage
 * names in the PKI's name grammar, content ids in their one form, rounds, counts, sizes and offsets
 * in range, finite numbers. A problem is returned as a reason that quotes the offending value only
 * in {@link Names#printable escaped} form, so it can be logged and sent back safely.
 */
final class RequestCheck {

  private static final Pattern CONTENT_ID = Pattern.compile("sha256:[0-9a-f]{64}");
  /** Longest failure reason a node may send; the rest is cut. */
  static final int MAX_REASON_CHARS = 4096;

  private RequestCheck() {}

  /** Why {@code message} is not a valid request, or empty if it is. */
  static Optional<String> problem(Object message) {
    return Optional.ofNullable(switch (message) {
      case RegisterRequest r -> node(r.getNode());
      case NodeRef r -> node(r.getNode());
      case BlobRef r -> contentId("content_id", r.getContentId());
      case DownloadRequest r -> first(contentId("content_id", r.getContentId()),
          r.getOffset() < 0 ? "offset " + r.getOffset() + " is negative" : null);
      case FitResult r -> first(node(r.getNode()), round(r.getRound()),
          r.getHeld() && r.getUpdate().isEmpty() ? null : contentId("update", r.getUpdate()),
          count("num_examples", r.getNumExamples()), metrics(r.getMetricsMap()));
      case SecAggAnswer r -> first(node(r.getNode()), round(r.getRound()), name("stage", r.getStage()),
          r.getReplyCase() == SecAggAnswer.ReplyCase.BLOB ? contentId("blob", r.getBlob()) : null);
      case EvaluationResult r -> first(node(r.getNode()), round(r.getRound()), count("num_examples", r.getNumExamples()),
          r.getNumExamples() == 0 ? null : evaluation(r.getLoss(), r.getAccuracy()));
      case FailureReport r -> first(node(r.getNode()), assignment(r.getAssignment()),
          r.getReason().length() > MAX_REASON_CHARS
              ? "reason of %d characters is longer than %d".formatted(r.getReason().length(), MAX_REASON_CHARS) : null);
      case CheckpointRequest r -> first(node(r.getNode()),
          r.getLastSize() < 0 ? "last_size " + r.getLastSize() + " is negative" : null);
      case CosignRequest r -> first(node(r.getNode()), r.getSize() < 1 ? "size " + r.getSize() + " is not positive" : null);
      default -> null;
    });
  }

  private static String first(String... problems) {
    for (String p : problems) {
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  static String node(String name) {
    return name("node", name);
  }

  private static String name(String field, String value) {
    return Names.isName(value) ? null : "%s %s is not a valid name: use 1 to 64 letters, digits, '.', '_' or '-',"
        .formatted(field, Names.printable(value)) + " starting with a letter or digit";
  }

  static String contentId(String field, String value) {
    return CONTENT_ID.matcher(value).matches() ? null
        : "%s %s is not a content id: expected sha256: followed by 64 lowercase hex digits"
            .formatted(field, Names.printable(value));
  }

  private static String round(int round) {
    return round < 1 ? "round " + round + " is not positive" : null;
  }

  private static String count(String field, long n) {
    return n < 0 ? "%s %d is negative".formatted(field, n) : null;
  }

  private static String finite(String field, double v) {
    return Double.isFinite(v) ? null : "%s %s is not a finite number".formatted(field, v);
  }

  /** Loss and accuracy of an evaluation on at least one example. */
  private static String evaluation(double loss, double accuracy) {
    return first(finite("loss", loss), loss < 0 ? "loss " + loss + " is negative" : null,
        accuracy >= 0 && accuracy <= 1 ? null : "accuracy " + accuracy + " is not between 0 and 1");
  }

  private static String metrics(Map<String, Double> metrics) {
    for (var m : metrics.entrySet()) {
      String p = first(name("metric", m.getKey()), finite("metric " + m.getKey(), m.getValue()));
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private static String assignment(Assignment a) {
    return switch (a.getKind()) {
      case FIT, EVALUATE -> round(a.getRound());
      case SECAGG -> first(round(a.getRound()), name("stage", a.getStage()));
      default -> "assignment kind " + a.getKindValue() + " is not fit, evaluate or secagg";
    };
  }
}
