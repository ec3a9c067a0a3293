"""Start the app: import the heavy core once, behind a lock, and keep compiled programs on disk.

Streamlit runs each browser session's script in its own thread. When a class
opens a link at the same moment on a freshly started server, several threads
import JAX for the first time together, and one of them can see a partially
initialised module ("cannot import name 'tanh' from partially initialized
module 'jax.numpy'"). ``app.py`` calls :func:`warm_up` first: `streamlit run app.py` imports
app.py once for its server (its ``st.App``), so the core and every page are imported before the
first session; where a session runs first (AppTest, a page served alone), it imports them while
the others wait.

:func:`warm_up` also turns on JAX's persistent compilation cache (:func:`cache_dir`): a program
compiled once (the LR finder's range test takes 3 s to compile, its search 5 s) loads from disk
in a later run of the app, so a lecturer who restarts it before class does not wait again. The
cache is trusted code: it lives in the user's own cache folder, never a shared one.

Last, it freezes the objects start-up made (``gc.freeze``), so that the collector, which otherwise
walks JAX's million objects on each full collection, only looks at what sessions create.
(A server's memory also depends on glibc's malloc arenas, which must be capped before the process
starts: :data:`lrviz.app.cli.SERVER_ENV`.)
"""

from __future__ import annotations

import gc
import importlib
import os
import threading
from collections.abc import Mapping
from pathlib import Path

_LOCK = threading.Lock()
# The core, then every page: `streamlit run app.py` imports app.py once for its server (st.App), so
# all of this is imported before the first session; sessions that a fresh server runs in Streamlit's
# legacy pages-folder mode (kit/shell.py) import their page directly, and no longer race for it.
_PAGES = sorted(path.parent.name for path in Path(__file__).parents[1].glob("*/page.py"))
_MODULES = ("jax", "jax.numpy", "optax", "lrviz.engine", "lrviz.app.playground.verdict",
            "lrviz.app.playground.state", "lrviz.app.playground.figures", "lrviz.app.playground.ui",
            *(f"lrviz.app.{name}.page" for name in _PAGES))
CACHE_ENV = "LRVIZ_JAX_CACHE"  # a folder, or "off"
MIN_COMPILE_SECONDS = 0.3  # quicker compiles are not worth a file
MAX_CACHE_BYTES = 512 * 2**20  # least recently used programs go first beyond this
_started = False


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """``$LRVIZ_JAX_CACHE``, or ``lrviz/jax`` in the user's cache folder (``$XDG_CACHE_HOME``,
    else ``~/.cache``); None when ``$LRVIZ_JAX_CACHE`` is ``off``."""
    chosen = environ.get(CACHE_ENV, "")
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen).expanduser()
    home = environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "lrviz" / "jax"


def keep_compiled(path: Path, min_seconds: float = MIN_COMPILE_SECONDS) -> None:
    """Store programs that took ``min_seconds`` or more to compile under ``path``, and load them
    from there. Call before the first compilation. Size-capped, so JAX locks the folder around
    each read and write: the server's sessions and other processes may share it."""
    import jax

    jax.config.update("jax_compilation_cache_dir", str(path))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", min_seconds)
    jax.config.update("jax_compilation_cache_max_size", MAX_CACHE_BYTES)


def warm_up() -> None:
    global _started
    with _LOCK:
        if _started:
            return
        for name in _MODULES:
            importlib.import_module(name)
        if (path := cache_dir()) is not None:
            keep_compiled(path)
        # What start-up made (JAX, the registries: ~1 M objects) lives as long as the process:
        # freezing it keeps Python's collector from walking it again on every full collection.
        gc.collect()
        gc.freeze()
        _started = True
