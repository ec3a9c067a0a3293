"""The /edge page in a real browser: the edge of stability with its limits and words, then the catapult;
the warm-up grid in Korean."""

import re

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
DRAWN = f"() => document.querySelectorAll('{CHART} .main-svg').length >= 2"  # both charts of a section


def legend(chart) -> list[str]:
    return chart.locator(".legendtext").all_text_contents()


def test_edge_of_stability_then_the_catapult(page, server):
    page.goto(f"{server}/edge?lang=en")
    wait_ready(page, timeout=180_000)
    page.wait_for_function(DRAWN, timeout=180_000)
    edge = page.locator(CHART).first
    assert legend(edge) == ["η = 0.3", "η = 0.4", "η = 0.5", "η = 0.6", "2/η"]
    assert edge.locator("path.js-line").count() >= 12  # per rate: its loss, its sharpness, its 2/η
    body = page.inner_text("[data-testid='stMain']")
    assert body.count("reached 2/η at update") == 4 and "arXiv:2103.00065" in body
    assert page.locator('[data-testid="stException"]').count() == 0
    edge.scroll_into_view_if_needed()
    screenshot(page, "edge-stability")

    page.get_by_role("radio", name="3 · Catapult", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]view=catapult(&|$)"), timeout=60_000)
    wait_ready(page, timeout=180_000)
    page.get_by_role("heading", name="The catapult").wait_for(timeout=60_000)
    regimes = page.locator(CHART).first
    regimes.locator(".main-svg").first.wait_for(timeout=60_000)
    assert {"settled", "catapult", "diverged"} <= set(legend(regimes))
    assert "2/λ₀ = " in page.inner_text("[data-testid='stMain']")
    regimes.scroll_into_view_if_needed()
    screenshot(page, "edge-catapult")


def test_korean_warmup_grid(page, server):
    page.goto(f"{server}/edge?lang=ko&view=warmup")
    wait_ready(page, timeout=180_000)
    page.wait_for_function(DRAWN, timeout=180_000)
    grid = page.locator(CHART).first
    assert grid.locator(".heatmaplayer").count() == 1
    body = page.inner_text("[data-testid='stMain']")
    assert "워밍업 없이는 발산하지만 워밍업이 있으면 학습되는 최고 학습률" in body
    assert "arXiv:2406.09405" in body
    assert page.locator('[data-testid="stException"]').count() == 0
    grid.scroll_into_view_if_needed()
    screenshot(page, "edge-warmup-ko")


def test_a_swipe_over_each_chart_scrolls_a_phones_page(iphone, server):
    # Each chart zoomed under a finger (plotly.js's drag-to-zoom).
    keys = ("eg_eos", "eg_flow")
    open_charts(iphone, f"{server}/edge?lang=ko", 2)
    shown = chart_ranges(iphone, keys)
    scrolled = swipe_over_charts(iphone, keys)
    assert all(px > 100 for px in scrolled.values()), scrolled
    assert chart_ranges(iphone, keys) == shown  # no chart zoomed or panned
    screenshot(iphone, "edge-phone")
