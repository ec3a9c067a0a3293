"""lrviz: the learning rate, seen. The library (everything here but ``lrviz.app``) is pure JAX.

Importing it gives JAX one CPU device per core (:mod:`lrviz.engine.devices`) before JAX
starts its backend.
"""

import lrviz.engine  # noqa: F401  (configures the devices first thing)
