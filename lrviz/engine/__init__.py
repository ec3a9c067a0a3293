"""The engine: trajectories with ``jit`` and ``lax.scan``, sweeps of many rates with ``vmap``.

The public face of the package (DESIGN.md): :func:`run` and :func:`sweep`, returning
:class:`Trajectory` and :class:`Sweep`, and :func:`runs` (many whole trajectories at once).
:mod:`lrviz.engine.diagnostics` reads a run
(curvature, status, critical rates); :mod:`lrviz.engine.devices` spreads batched runs
over the machine's cores.
"""

from lrviz.engine import devices

devices.configure()  # before anything starts JAX's backend: one CPU device per core

from lrviz.engine._run import Sweep, Trajectory, run, sweep, trace_count  # noqa: E402
from lrviz.engine._runs import runs  # noqa: E402

__all__ = ["Sweep", "Trajectory", "run", "runs", "sweep", "trace_count"]
