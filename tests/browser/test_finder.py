"""The LR finder in a real browser: the range test with every rule's marker, then the check."""

import pytest

from tests.browser.conftest import (
    chart_ranges,
    open_charts,
    screenshot,
    swipe_over_charts,
    wait_ready,
)

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'
RULES = ("valley (fastai)", "slide (fastai)", "minimum ÷ 10 (fastai)", "steepest slope (fastai)",
         "steepest gradient (pytorch-lr-finder)")


def legend(page) -> list[str]:
    return page.locator(f"{CHART} .legendtext").all_text_contents()


def test_range_test_shows_every_rules_marker_then_checks_them(page, server):
    page.goto(f"{server}/lr-finder?lang=en")
    wait_ready(page, timeout=120_000)
    page.wait_for_selector(f"{CHART} .main-svg", timeout=120_000)
    page.wait_for_function(f"() => document.querySelectorAll('{CHART} .legendtext').length >= 7",
                           timeout=60_000)
    entries = legend(page)
    for rule in RULES:
        assert any(entry.startswith(rule + ":") for entry in entries), entries
    # Each rule's marker is drawn (one point per rule trace), beside the curve and its band.
    assert page.locator(f"{CHART} .scatterlayer .trace .points path").count() >= len(RULES)
    assert "How to read it" in page.inner_text("body")
    screenshot(page, "finder-range-test")

    page.get_by_text("2 · Check the suggestions").click()
    wait_ready(page)
    page.get_by_role("button", name="Train at every suggestion").click()
    page.wait_for_function("() => document.body.innerText.includes('reached the lowest validation loss')",
                           timeout=120_000)
    wait_ready(page)
    assert "check=1" in page.url
    screenshot(page, "finder-check")


def test_korean_generalization_on_spirals(page, server):
    page.goto(f"{server}/lr-finder?lang=ko&data=spirals&view=general&general=1&steps=500")
    wait_ready(page, timeout=120_000)
    page.wait_for_function(f"() => document.querySelectorAll('{CHART}').length >= 2", timeout=120_000)
    page.wait_for_selector(f"{CHART} .main-svg")
    assert "일반화" in page.inner_text("body")
    screenshot(page, "finder-general-ko")


def test_a_swipe_over_each_chart_scrolls_a_phones_page(iphone, server):
    # The range test's chart zoomed under a finger (plotly.js's drag-to-zoom).
    open_charts(iphone, f"{server}/lr-finder?lang=ko", 1)
    shown = chart_ranges(iphone, ("lf_range",))
    scrolled = swipe_over_charts(iphone, ("lf_range",))
    assert all(px > 100 for px in scrolled.values()), scrolled
    assert chart_ranges(iphone, ("lf_range",)) == shown  # no chart zoomed or panned
    screenshot(iphone, "finder-phone")
