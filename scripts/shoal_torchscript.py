"""Exports a PyTorch module as a TorchScript file that Shoal can train.

    import torch
    from shoal_torchscript import export
    export(MyNet(), "net.pt")

The file is what torch.jit.script gives, plus three small methods that let Shoal read and write
the module's buffers (BatchNorm running statistics, num_batches_tracked) by their state_dict
names, which TorchScript does not otherwise expose to Java:

    shoal_buffer_names() -> List[str]
    shoal_buffers() -> List[Tensor]
    shoal_set_buffers(values: List[Tensor]) -> int

It also adds one method through which Shoal runs plain SGD's steps inside PyTorch's runtime, many
batches per call, instead of calling into the engine several times per batch from Java:

    shoal_train_steps(params: List[Tensor], x: Tensor, y: Tensor, batch: Tensor, lr: Tensor,
                      loss: Tensor) -> Tuple[Tensor, Tensor]

It trains the module (in training mode) on x and y, batch after batch, with the loss Shoal's
--loss names (loss: 0 cross-entropy, 1 binary cross-entropy with logits, 2 MSE, 3 L1, 4 Huber),
changing params in place by -lr times their gradient, and returns the outputs of every batch and
the mean loss of each. A module without it trains too, one engine call at a time.

A module without buffers needs no buffer methods: torch.jit.script(module).save("net.pt") gives a
file Shoal trains. Pass example_input to trace instead of script (for modules that script cannot
compile).
"""

import torch


def _access(name):
    """The TorchScript expression of a state_dict name: features.1.running_mean."""
    expression = "self"
    for part in name.split("."):
        expression = (
            "%s.%s" % (expression, part) if part.isidentifier() else 'getattr(%s, "%s")' % (expression, part)
        )
    return expression


def with_buffer_access(scripted):
    """Adds Shoal's buffer methods to a scripted or traced module; returns it."""
    names = [name for name, _ in scripted.named_buffers()]
    listed = ", ".join('"%s"' % n for n in names)
    scripted.define("def shoal_buffer_names(self) -> List[str]:\n    return [%s]\n" % listed
                    if names else "def shoal_buffer_names(self) -> List[str]:\n    return []\n")
    scripted.define(
        "def shoal_buffers(self) -> List[Tensor]:\n    return [%s]\n" % ", ".join(_access(n) for n in names)
        if names else "def shoal_buffers(self) -> List[Tensor]:\n    return []\n")
    body = "".join("    %s.copy_(values[%d])\n" % (_access(n), i) for i, n in enumerate(names))
    scripted.define(
        "def shoal_set_buffers(self, values: List[Tensor]) -> int:\n%s    return %d\n" % (body, len(names)))
    return scripted


TRAIN_STEPS = """
def shoal_train_steps(self, params: List[Tensor], x: Tensor, y: Tensor, batch: Tensor, lr: Tensor,
                      loss: Tensor) -> Tuple[Tensor, Tensor]:
    size = int(batch.item())
    rate = float(lr.item())
    kind = int(loss.item())
    outputs: List[Tensor] = []
    losses: List[Tensor] = []
    for start in range(0, x.size(0), size):
        out = self.forward(x[start:start + size])
        target = y[start:start + size]
        if kind == 0:
            value = torch.nn.functional.cross_entropy(out, target)
        else:
            p = out.reshape(target.shape)
            if kind == 1:
                value = torch.nn.functional.binary_cross_entropy_with_logits(p, target)
            elif kind == 2:
                value = torch.nn.functional.mse_loss(p, target)
            elif kind == 3:
                value = torch.nn.functional.l1_loss(p, target)
            else:
                value = torch.nn.functional.huber_loss(p, target)
        grads = torch.autograd.grad([value], params, allow_unused=True)
        with torch.no_grad():
            for i in range(len(params)):
                g = grads[i]
                if g is not None:
                    params[i].add_(g, alpha=-rate)
        outputs.append(out.detach())
        losses.append(value.detach())
    return torch.cat(outputs), torch.stack(losses)
"""


def with_training_steps(scripted):
    """Adds shoal_train_steps to a scripted or traced module; returns it."""
    scripted.define(TRAIN_STEPS)
    return scripted


def export(module, path, example_input=None):
    """Scripts (or, given example_input, traces) module and saves it with Shoal's methods."""
    module.eval()
    scripted = torch.jit.script(module) if example_input is None else torch.jit.trace(module, example_input)
    with_training_steps(with_buffer_access(scripted)).save(str(path))
    return path
