package dev.shoal.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes each step's gradients after the backward pass and before the optimiser's step:
 * g ← g + pull·(w − anchor) + shift, parameter by parameter. FedProx's proximal term
 * (μ/2)·‖w − w_global‖² is pull = μ with the received global model as anchor; SCAFFOLD's
 * control-variate correction g − cᵢ + c is the shift c − cᵢ.
 */
final class GradientCorrection {

  private final float pull;
  private final List<NDArray> anchors;
  private final List<NDArray> shifts;

  private GradientCorrection(float pull, List<NDArray> anchors, List<NDArray> shifts) {
    this.pull = pull;
    this.anchors = anchors;
    this.shifts = shifts;
  }

  /**
   * The correction for a model laid out as {@code layout}, its arrays kept in {@code manager}; null
   * when there is nothing to correct (pull 0, no shift).
   *
   * @param anchor the parameters the pull draws towards (read only when pull is not 0)
   * @param shift added to each gradient, or null for none
   */
  static GradientCorrection of(ParameterLayout layout, NDManager manager, double pull, ParameterSet anchor,
      ParameterSet shift) {
    if (pull == 0 && shift == null) {
      return null;
    }
    return new GradientCorrection((float) pull, pull == 0 ? null : arrays(layout, manager, anchor),
        shift == null ? null : arrays(layout, manager, shift));
  }

  private static List<NDArray> arrays(ParameterLayout layout, NDManager manager, ParameterSet values) {
    List<NDArray> arrays = new ArrayList<>(layout.slots().size());
    for (ParameterLayout.Slot slot : layout.slots()) {
      Tensor t = values.tensor(slot.name()).orElseThrow(
          () -> new IncompatibleParametersException("the gradient correction has no tensor '" + slot.name() + "'"));
      arrays.add(manager.create(t.data(), new ai.djl.ndarray.types.Shape(
          java.util.Arrays.stream(slot.shape()).asLongStream().toArray())));
    }
    return arrays;
  }

  /** Corrects the gradients of {@code parameters}, ordered as the layout's slots. */
  void apply(List<Parameter> parameters) {
    for (int i = 0; i < parameters.size(); i++) {
      NDArray w = parameters.get(i).getArray();
      if (w.hasGradient()) {
        correct(w.getGradient(), w, anchors == null ? null : anchors.get(i), pull, shifts == null ? null : shifts.get(i));
      }
    }
  }

  /** g ← g + pull·(w − anchor) + shift in place; a null anchor or shift is left out. */
  static void correct(NDArray gradient, NDArray weight, NDArray anchor, float pull, NDArray shift) {
    if (anchor != null && pull != 0) {
      // w detached: w itself requires gradients, and the gradient must not take on a graph through it,
      // which would grow by a step's tensors every step
      try (NDArray detached = weight.stopGradient(); NDArray pulled = detached.sub(anchor)) {
        pulled.muli(pull);
        gradient.addi(pulled);
      }
    }
    if (shift != null) {
      gradient.addi(shift);
    }
  }
}
