"""The Schedules page in a real browser: open OneCycle from the gallery, see its curve and PyTorch code."""

import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import (
    chart_ranges,
    open_charts,
    screenshot,
    swipe_over_charts,
    wait_ready,
)

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'


def test_open_onecycle_shows_its_curve_and_pytorch_code(page, server):
    page.goto(f"{server}/schedules?lang=en")
    wait_ready(page)
    gallery = page.locator(CHART).first
    gallery.locator(".main-svg").first.wait_for(timeout=60_000)
    assert gallery.locator("g.annotation").count() == 16  # one title per small chart

    pills = page.locator('[data-testid="stButtonGroup"]')
    pills.get_by_role("radio", name="One-cycle (OneCycleLR) · cosine", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]open=onecycle_cos(&|$)"), timeout=60_000)
    wait_ready(page)
    page.get_by_role("heading", name="One-cycle (OneCycleLR) · cosine").wait_for(timeout=30_000)

    curve = page.locator(CHART).nth(1)
    curve.scroll_into_view_if_needed()
    curve.locator(".main-svg").first.wait_for(timeout=60_000)
    assert curve.locator("path.js-line").count() >= 1  # the rate curve is drawn
    assert "learning rate" in curve.inner_text()

    code = page.locator('[data-testid="stCode"]').first
    code.scroll_into_view_if_needed()
    text = code.inner_text()
    assert "torch.optim.lr_scheduler.OneCycleLR(" in text and "max_lr=0.1" in text
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("heading", name="One-cycle (OneCycleLR) · cosine").scroll_into_view_if_needed()
    screenshot(page, "schedules-onecycle")


def test_korean_plateau_card_marks_the_cuts(page, server):
    page.goto(f"{server}/schedules?lang=ko&open=plateau")
    wait_ready(page)
    comparison = page.locator(CHART).nth(2)
    comparison.scroll_into_view_if_needed()
    comparison.locator(".main-svg").first.wait_for(timeout=60_000)
    # plotly.js draws the legend after the plot's first SVG: wait for it rather than race it.
    expect(comparison).to_contain_text("학습률 감소", timeout=30_000)  # the legend names the crosses
    expect(page.locator("[data-testid='stMain']")).to_contain_text("63번째 스텝에서 학습률을 줄였습니다")
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "schedules-plateau-ko")


def test_a_phone_gets_the_gallery_in_two_columns(phone, server):
    phone.goto(f"{server}/schedules?lang=ko")
    wait_ready(phone)
    gallery = phone.locator(CHART).first
    gallery.locator(".main-svg").first.wait_for(timeout=60_000)
    # The columns as plotly.js laid them out (_fullLayout: every axis has its domain once drawn;
    # the figure's own layout may still lack one while Streamlit hands the chart its figure).
    columns = f"""() => {{
        const plotted = document.querySelector('{CHART} .js-plotly-plot');
        const layout = plotted && plotted._fullLayout;
        if (!layout) return 0;
        const axes = Object.keys(layout).filter(k => /^xaxis[0-9]*$/.test(k) && layout[k].domain);
        return new Set(axes.map(k => layout[k].domain[0])).size;
    }}"""
    with contextlib.suppress(PlaywrightTimeout):
        phone.wait_for_function(f"() => ({columns})() === 2", timeout=30_000)
    assert phone.evaluate(columns) == 2  # four columns of titles ran into each other on a phone


def test_a_swipe_over_each_chart_scrolls_a_phones_page(iphone, server):
    # Each chart zoomed under a finger (plotly.js's drag-to-zoom); the gallery is a phone's screen tall.
    keys = ("sc_gallery", "sc_curve", "sc_comparison", "sc_overlay_chart")
    open_charts(iphone, f"{server}/schedules?lang=ko", 4)
    shown = chart_ranges(iphone, keys)
    scrolled = swipe_over_charts(iphone, keys)
    assert all(px > 100 for px in scrolled.values()), scrolled
    assert chart_ranges(iphone, keys) == shown  # no chart zoomed or panned
    screenshot(iphone, "schedules-phone")
