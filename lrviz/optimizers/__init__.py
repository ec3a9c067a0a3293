"""Optimizers with the numbers of ``torch.optim``, built on optax, and their stability limits.

The public face of the package (DESIGN.md): :func:`make` and :data:`OPTIMIZERS`, with
:func:`get`, :func:`direction`, the :class:`OptimizerSpec` type and its critical rate's :class:`Limit`.
A new optimizer is one entry in ``_registry.py``: its numbers, its critical rate, what its d is,
and its code in PyTorch, Keras and optax (``tests/optimizers/test_registry.py`` checks each one).
"""

from lrviz.optimizers._limits import Limit
from lrviz.optimizers._registry import OPTIMIZERS, OptimizerSpec, direction, get, make

__all__ = ["OPTIMIZERS", "Limit", "OptimizerSpec", "direction", "get", "make"]
