"""The Compare page in a real browser: add a run and see its legend entry, play all runs together."""

import re

import pytest

from tests.browser.conftest import (
    chart_ranges,
    open_charts,
    ranges,
    screenshot,
    swipe_over_charts,
    swipe_up,
    tap,
    wait_ready,
)

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'


def legend_items(page) -> int:
    return page.locator(f"{CHART} .legend .traces").count()


def test_add_a_run_and_see_its_legend_entry_then_play(page, server):
    page.goto(f"{server}/compare?lang=en")
    wait_ready(page)
    page.wait_for_selector(f"{CHART} .main-svg")
    page.wait_for_selector(f"{CHART} image")  # the contour map under the paths
    assert legend_items(page) == 4
    screenshot(page, "compare-default")

    page.get_by_role("button", name="Add a run").click()
    page.wait_for_url(re.compile(r"[?&]r5=adam(:|%3A)0\.15(&|$)"), timeout=60_000)
    wait_ready(page)
    page.wait_for_function(
        f"() => document.querySelectorAll('{CHART} .legend .traces').length === 5", timeout=30_000
    )
    legend = page.locator(f"{CHART} .legend .legendtext").all_text_contents()
    assert legend[-1].startswith("Adam · η = 0.15")  # then its outcome, on a second line

    # Play: every run's marker moves, in the browser, with no round trip.
    chart = page.locator(CHART)
    chart.scroll_into_view_if_needed()
    chart.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function(
        f"() => !document.querySelector('{CHART} text.slider-label').textContent.endsWith(' 0')",
        timeout=10_000,
    )
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "compare-five-runs")


def test_six_runs_in_panels_in_korean(page, server):
    runs = "&".join(f"r{i + 1}=sgd:{lr}" for i, lr in enumerate((0.01, 0.1, 0.4, 0.5, 0.9, 1.1)))
    page.goto(f"{server}/compare?lang=ko&surface=quadratic&steps=60&layout=multiples&{runs}")
    wait_ready(page)
    page.wait_for_selector(f"{CHART} .main-svg")
    titles = page.locator(f"{CHART} .annotation-text").all_text_contents()
    assert len(titles) == 6 and any("발산" in title for title in titles)
    assert page.get_by_role("button", name="실행 추가").is_disabled()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "compare-six-panels-ko")


def test_a_phone_gets_one_column_and_no_toolbar_over_the_legend(phone, server):
    phone.goto(f"{server}/compare?lang=ko")
    wait_ready(phone)
    phone.wait_for_selector(f"{CHART} .main-svg", timeout=60_000)
    loss_x, loss_top, map_bottom = phone.evaluate(f"""() => {{
        const layout = document.querySelector('{CHART} .js-plotly-plot').layout;
        return [layout.xaxis2.domain, layout.yaxis2.domain[1], layout.yaxis.domain[0]];
    }}""")
    assert loss_x == [0, 1] and loss_top < map_bottom  # the loss chart under the map, the full width
    assert phone.locator(f"{CHART} .modebar").count() == 0  # it lay on the legend's title
    screenshot(phone, "compare-phone")


def test_a_swipe_over_the_chart_scrolls_a_phones_page(iphone, server):
    # It zoomed the map (plotly.js's drag-to-zoom), and a tap reset its axes.
    iphone.goto(f"{server}/compare?lang=ko")
    wait_ready(iphone)
    iphone.wait_for_selector(f"{CHART} .main-svg", timeout=60_000)
    shown = ranges(iphone, CHART)
    assert swipe_up(iphone, f"{CHART} .xy .nsewdrag") > 100
    tap(iphone, f"{CHART} .xy .nsewdrag")
    assert ranges(iphone, CHART) == shown


def test_a_swipe_over_the_small_multiples_scrolls_a_phones_page(iphone, server):
    # Their panels zoomed under a finger (plotly.js's drag-to-zoom), and they are a phone's screen tall.
    open_charts(iphone, f"{server}/compare?lang=ko&layout=multiples", 1)
    shown = chart_ranges(iphone, ("cmp_chart",))
    scrolled = swipe_over_charts(iphone, ("cmp_chart",))
    assert all(px > 100 for px in scrolled.values()), scrolled
    assert chart_ranges(iphone, ("cmp_chart",)) == shown
    screenshot(iphone, "compare-multiples-phone")
