"""Shared test settings."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# JAX compiles on first use, which hypothesis would otherwise call too slow.
settings.register_profile(
    "lrviz", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=40
)
settings.register_profile("ci", parent=settings.get_profile("lrviz"), max_examples=40, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "lrviz")

# The app keeps compiled programs in the user's cache folder (lrviz/app/kit/boot.py); the suite
# starts from nothing each time and leaves nothing behind (also in the servers it starts).
os.environ["LRVIZ_JAX_CACHE"] = "off"


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
