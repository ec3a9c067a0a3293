"""The sweep page in a real browser: run a sweep, see the status colours, look at the screenshots."""

import re

import pytest

from tests.browser.conftest import (
    SHOTS,
    chart_ranges,
    open_charts,
    screenshot,
    swipe_over_charts,
    wait_ready,
)

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'
GREEN, VERMILLION = "rgb(0, 158, 115)", "rgb(213, 94, 0)"  # converged, diverged (theme.STATUS_COLORS)


def marker_fills(page, chart: int = 0) -> set[str]:
    """Fill colours of the filled scatter markers drawn in one chart's SVG."""
    return set(page.locator(CHART).nth(chart).evaluate(
        "el => [...el.querySelectorAll('.scatterlayer path.point')].map(p => p.style.fill)"
    ))


def hollow_outlines(page, chart: int = 0) -> set[str]:
    """Outline colours of the hollow scatter markers (a diverged run's, theme.status_symbol)."""
    return set(page.locator(CHART).nth(chart).evaluate(
        "el => [...el.querySelectorAll('.scatterlayer path.point')]"
        ".filter(p => ['none', 'transparent', 'rgba(0, 0, 0, 0)'].includes(p.style.fill))"
        ".map(p => p.style.stroke)"
    ))


def chart_shots(page, name: str) -> None:
    """Each chart on its own, so it can be looked at (a full-page shot shows only the viewport)."""
    SHOTS.mkdir(exist_ok=True)
    charts = page.locator(CHART)
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).screenshot(path=str(SHOTS / f"{name}-{i + 1}.png"))


def legend_texts(page, chart: int = 0) -> list[str]:
    return page.locator(CHART).nth(chart).locator("g.legend text.legendtext").all_text_contents()


def test_a_sweep_shows_converged_and_diverged_rates_in_their_colours(page, server):
    page.goto(f"{server}/sweep?surface=quadratic&optimizers=sgd,momentum&n=300&lang=en")
    wait_ready(page)
    page.wait_for_selector(f"{CHART} .main-svg")
    legend = legend_texts(page)
    assert {"converged", "diverged", "SGD", "best rate", "divergence edge"} <= set(legend), legend
    assert GREEN in marker_fills(page) and VERMILLION in hollow_outlines(page)

    # Run another sweep: more rates over a narrower range; the link follows.
    hi = page.get_by_label("Highest rate")
    hi.fill("3")
    hi.press("Enter")
    page.wait_for_url(re.compile(r"[?&]hi=3(&|$)"), timeout=60_000)
    wait_ready(page)
    assert GREEN in marker_fills(page) and VERMILLION in hollow_outlines(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(CHART).count() == 3
    screenshot(page, "sweep-quadratic")
    chart_shots(page, "sweep-quadratic")


def test_two_dimensional_surface_in_korean(page, server):
    page.goto(f"{server}/sweep?surface=six_hump_camel&optimizers=sgd,momentum,adam,rmsprop&lang=ko")
    wait_ready(page)
    page.wait_for_selector(f"{CHART} .main-svg")
    assert {"수렴", "발산"} <= set(legend_texts(page))
    basin_legend = " ".join(legend_texts(page, 2))
    assert "전역 최솟값" in basin_legend
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "sweep-2d-ko")
    chart_shots(page, "sweep-2d-ko")


def test_a_swipe_over_each_chart_scrolls_a_phones_page(iphone, server):
    # Each chart zoomed under a finger (plotly.js's drag-to-zoom), and the three fill a phone's page.
    keys = ("sw_chart_rates", "sw_chart_phase", "sw_chart_basins")
    open_charts(iphone, f"{server}/sweep?lang=ko", 3)
    shown = chart_ranges(iphone, keys)
    scrolled = swipe_over_charts(iphone, keys)
    assert all(px > 100 for px in scrolled.values()), scrolled
    assert chart_ranges(iphone, keys) == shown  # no chart zoomed or panned
    screenshot(iphone, "sweep-phone")


@pytest.mark.parametrize("big", ["", "&big=1"])
def test_the_rate_boxes_show_their_whole_values_on_a_projector(browser, server, big):
    """At 1280×720 beside the sidebar, in presentation mode's type, four boxes in a row showed "0.00"
    of the lowest rate 0.001: presentation mode puts them two to a row."""
    from tests.browser.conftest import PROJECTOR

    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        page.goto(f"{server}/sweep?lang=ko&lo=0.001{big}")
        wait_ready(page, timeout=120_000)
        boxes = page.locator('[data-testid="stMain"] [data-testid="stNumberInput"] input')
        boxes.nth(3).wait_for(timeout=60_000)
        wait_ready(page)
        shown = boxes.evaluate_all("all => all.map(b => [b.value, b.scrollWidth <= b.clientWidth])")
        assert all(whole for _, whole in shown), shown
        assert ["0.001", True] in shown
    finally:
        context.close()
