"""The Schedules page in a real browser: open OneCycle from the gallery, see its curve and PyTorch code."""

import re

import pytest

from tests.browser.conftest import screenshot, wait_ready

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
    assert "학습률 감소" in comparison.inner_text()  # the legend names the crosses
    assert "63번째 스텝에서 학습률을 줄였습니다" in page.inner_text("[data-testid='stMain']")
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "schedules-plateau-ko")


def test_a_phone_gets_the_gallery_in_two_columns(phone, server):
    phone.goto(f"{server}/schedules?lang=ko")
    wait_ready(phone)
    gallery = phone.locator(CHART).first
    gallery.locator(".main-svg").first.wait_for(timeout=60_000)
    columns = phone.evaluate(f"""() => {{
        const layout = document.querySelector('{CHART} .js-plotly-plot').layout;
        const axes = Object.keys(layout).filter(k => k.startsWith('xaxis'));
        return new Set(axes.map(k => layout[k].domain[0])).size;
    }}""")
    assert columns == 2  # four columns of titles ran into each other on a phone
