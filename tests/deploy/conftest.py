"""The browser tests' Chromium, for the topology test."""

from tests.browser.conftest import browser  # noqa: F401
