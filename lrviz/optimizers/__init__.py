"""Optimizers with the numbers of ``torch.optim``, built on optax, and their stability limits.

The public face of the package (DESIGN.md): :func:`make` and :data:`OPTIMIZERS`, with
:func:`get`, :func:`direction`, the :class:`OptimizerSpec` type and its critical rate's :class:`Limit`.
A new optimizer is one entry in ``_registry.py``: its numbers, its critical rate, what its d is,
and its code in PyTorch, Keras and optax (``tests/optimizers/test_registry.py`` checks each one).
:func:`stepper` gives any optimizer's update with the rate given (the engine's way), and
:func:`eval_params` where a schedule-free optimizer's model is evaluated.
"""

from lrviz.optimizers._limits import Limit
from lrviz.optimizers._registry import OPTIMIZERS, OptimizerSpec, direction, eval_params, get, make, stepper
from lrviz.optimizers._step import Step

__all__ = ["OPTIMIZERS", "Limit", "OptimizerSpec", "Step", "direction", "eval_params", "get", "make",
           "stepper"]
