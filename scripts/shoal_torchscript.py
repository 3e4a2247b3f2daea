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

A module without buffers needs none of them: torch.jit.script(module).save("net.pt") is enough.
Pass example_input to trace instead of script (for modules that script cannot compile).
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


def export(module, path, example_input=None):
    """Scripts (or, given example_input, traces) module and saves it with Shoal's buffer methods."""
    module.eval()
    scripted = torch.jit.script(module) if example_input is None else torch.jit.trace(module, example_input)
    with_buffer_access(scripted).save(str(path))
    return path
