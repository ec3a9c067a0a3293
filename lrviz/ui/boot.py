"""Import the heavy core once, behind a lock, before any page does.

Streamlit runs each browser session's script in its own thread. When a class
opens a link at the same moment on a freshly started server, several threads
import JAX for the first time together, and one of them can see a partially
initialised module ("cannot import name 'tanh' from partially initialized
module 'jax.numpy'"). ``app.py`` calls :func:`warm_up` first, so the first
session imports everything while the others wait.
"""

from __future__ import annotations

import importlib
import threading

_LOCK = threading.Lock()
_MODULES = ("jax", "jax.numpy", "optax", "lrviz.engine", "lrviz.verdict", "lrviz.links",
            "lrviz.figures.playground", "lrviz.ui.playground")


def warm_up() -> None:
    with _LOCK:
        for name in _MODULES:
            importlib.import_module(name)
