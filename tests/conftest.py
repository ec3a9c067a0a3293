"""Shared test settings."""

import asyncio
import functools
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# JAX compiles on first use, which hypothesis would otherwise call too slow.
settings.register_profile(
    "lrviz", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=40
)
settings.register_profile("ci", parent=settings.get_profile("lrviz"), max_examples=40, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "lrviz")


def _run_folder(variable: str, prefix: str) -> str:
    """The folder ``$variable`` names, made first if unset (only in the first process: its workers
    inherit the variable; a ``setdefault`` would make an empty folder in each of them too)."""
    if variable not in os.environ:
        os.environ[variable] = tempfile.mkdtemp(prefix=prefix)
    return os.environ[variable]


# The app keeps compiled programs in the user's cache folder (lrviz/app/kit/boot.py). The suite
# starts from nothing each time and leaves nothing behind: its test processes and the servers they
# start share one folder of this run (made by the first process, inherited by pytest-xdist's
# workers), so a program compiled in one is loaded by the others; the first process removes it.
COMPILED = _run_folder("LRVIZ_TEST_JAX_CACHE", "lrviz-test-jax-")
os.environ["LRVIZ_JAX_CACHE"] = COMPILED
# The run's other shared things (the browser tests' one Streamlit server: tests/browser/conftest.py),
# in a folder made and removed the same way.
RUN = _run_folder("LRVIZ_TEST_RUN", "lrviz-test-run-")
# A server keeps its 10 last compiled programs (its memory bound); a test process visits many
# more settings than one student and would compile some of them again and again.
os.environ.setdefault("LRVIZ_MAX_PROGRAMS", "64")


def _scan_manifests_once() -> None:
    """AppTest scans every installed distribution for components-v2 manifests on each run
    (streamlit 1.67: ~0.5 s, a third of a playground AppTest). What is installed does not change
    while the suite runs, so each test process scans once."""
    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


_scan_manifests_once()


def run_async(coro):
    """``asyncio.run`` in a thread of its own. Once a browser test has run in a test process, its
    Playwright (the session's sync API) holds the main thread's event loop, and ``asyncio.run``
    there fails: a test that awaits must not care which tests ran before it on its worker."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, one per test process and shared by every test that drives a browser (the
    browser tests, the topology test): a second sync Playwright in one process would fail."""
    from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, _missing

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    if not Path(CHROMIUM).exists():
        _missing(f"no browser at {CHROMIUM}")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def pytest_configure(config):
    from lrviz.app.kit import boot

    boot.keep_compiled(Path(COMPILED))  # the library's tests too, not only the pages (boot.warm_up)


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):  # the first process, after its workers are done
        from tests.browser.conftest import stop_server

        stop_server(Path(RUN))
        shutil.rmtree(COMPILED, ignore_errors=True)
        shutil.rmtree(RUN, ignore_errors=True)
