"""The app's start-up: where compiled programs are kept, and that a second process loads them."""

import subprocess
import sys
from pathlib import Path

from lrviz.app.kit import boot


def test_cache_folder_follows_the_environment():
    assert boot.cache_dir({"LRVIZ_JAX_CACHE": "off"}) is None
    assert boot.cache_dir({"LRVIZ_JAX_CACHE": "OFF", "XDG_CACHE_HOME": "/x"}) is None
    assert boot.cache_dir({"LRVIZ_JAX_CACHE": "/tmp/c"}) == Path("/tmp/c")
    assert boot.cache_dir({"XDG_CACHE_HOME": "/var/cache/me"}) == Path("/var/cache/me/lrviz/jax")
    assert boot.cache_dir({}) == Path.home() / ".cache" / "lrviz" / "jax"


# Compiles a small program with the cache at argv[1]; prints how many programs came from it.
_PROGRAM = """
import sys
import jax, jax.numpy as jnp
from jax import monitoring
import pytest

from lrviz.app.kit import boot
hits = []
monitoring.register_event_listener(lambda name, **_: hits.append(name))
boot.keep_compiled(sys.argv[1], min_seconds=0)
print(float(jax.jit(lambda x: jnp.sin(x) ** 2 + jnp.cos(x) ** 2)(jnp.arange(3.0)).sum()))
print(hits.count("/jax/compilation_cache/cache_hits"))
"""


def _run(folder: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", _PROGRAM, str(folder)], capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout.split()


def test_a_program_compiled_once_loads_from_disk_in_the_next_process(tmp_path):
    assert _run(tmp_path) == ["3.0", "0"]
    stored = [p for p in tmp_path.iterdir() if p.name.endswith("-cache")]
    assert stored  # the lambda, and the small programs around it
    assert _run(tmp_path) == ["3.0", str(len(stored))]  # each one loaded, none compiled again

