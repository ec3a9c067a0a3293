"""Optimizers with the numbers of ``torch.optim``, built on optax, and their stability limits.

The public face of the package (DESIGN.md): :func:`make` and :data:`OPTIMIZERS`, with
:func:`get`, :func:`direction` and the :class:`OptimizerSpec` type.
A new optimizer is one entry in ``_registry.py``.
"""

from lrviz.optimizers._registry import OPTIMIZERS, OptimizerSpec, direction, get, make

__all__ = ["OPTIMIZERS", "OptimizerSpec", "direction", "get", "make"]
