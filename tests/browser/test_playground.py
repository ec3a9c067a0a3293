"""The playground in a real browser: a diverging link, the slider, playback, screenshots."""

import re

import pytest

from tests.browser.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'


def verdict(page) -> str:
    return " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())


def rate_slider(page):
    return page.locator('[data-testid="stSlider"]', has_text="Learning rate").locator("input[type=range]")


def frame_label(page) -> str:
    return page.locator(f"{CHART} text.slider-label").first.text_content() or ""


def test_diverging_link_then_slider_below_the_critical_rate_converges(page, server):
    page.goto(f"{server}/playground?surface=quadratic&lr=1.5&lang=en")
    wait_ready(page)
    page.wait_for_selector(f"{CHART} .main-svg")
    assert "Diverged" in verdict(page)
    screenshot(page, "playground-1d-diverged")

    # 1.5 → 1.2 → 1 → 0.8 on the slider's grid: below 2/λmax = 1. Each move reruns the
    # script, which writes the new rate into the address bar.
    slider = rate_slider(page)
    for expected in ("1.2", "1", "0.8"):
        slider.focus()
        page.keyboard.press("ArrowLeft")
        page.wait_for_url(re.compile(rf"[?&]lr={re.escape(expected)}(&|$)"), timeout=30_000)
        wait_ready(page)
    page.wait_for_function("() => document.body.innerText.includes('Converged')", timeout=30_000)
    assert "Converged" in verdict(page)

    # Play: the frame label advances in the browser, with no round trip.
    assert frame_label(page) == "step 0"
    page.locator(f"{CHART} .updatemenu-button", has_text="Play").click()
    page.wait_for_function(
        f"() => !document.querySelector('{CHART} text.slider-label').textContent.endsWith(' 0')",
        timeout=10_000,
    )
    assert re.fullmatch(r"step \d+", frame_label(page)) and frame_label(page) != "step 0"
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "playground-1d-converged")


def test_two_dimensional_view_in_korean(page, server):
    page.goto(f"{server}/playground?surface=ravine&lr=0.07&optimizer=momentum&lang=ko")
    wait_ready(page)
    page.wait_for_selector(f"{CHART} image")  # the contour map is a picture under the axes
    assert "수렴" in verdict(page) or "진동" in verdict(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "playground-2d-ko")


def test_switching_language_relabels_the_chosen_values_of_select_boxes(page, server):
    # streamlit#13788: a select box keeps its old label until its value is set again.
    page.goto(f"{server}/playground?surface=quadratic&optimizer=sgd&schedule=constant&lang=en")
    wait_ready(page)
    page.wait_for_selector(f"{CHART} .main-svg")
    boxes = "[data-testid=stSidebar] [data-testid=stSelectbox] input"
    chosen = f"() => [...document.querySelectorAll('{boxes}')].map(e => e.value)"
    assert page.evaluate(chosen) == ["Quadratic · 1-D", "SGD", "Constant"]
    page.locator('[data-testid="stSidebar"]').get_by_text("한국어").click()
    page.wait_for_function("() => document.body.innerText.includes('학습률')", timeout=30_000)
    wait_ready(page)
    assert page.evaluate(chosen) == ["이차 함수 · 1-D", "SGD (경사하강법)", "고정"]
    assert page.locator('[data-testid="stException"]').count() == 0



def test_a_phone_gets_the_charts_and_the_update_rule_under_the_map(phone, server):
    # Beside the map, the update rule had a hundred pixels: "3.62e-08" read "3.62e-0".
    phone.goto(f"{server}/playground?surface=quadratic&lr=0.1&lang=ko")
    wait_ready(phone)
    phone.wait_for_selector(f"{CHART} .main-svg")
    domains = phone.evaluate(f"""() => {{
        const layout = document.querySelector('{CHART} .js-plotly-plot').layout;
        return ['xaxis', 'xaxis2', 'xaxis5'].map(name => layout[name].domain);
    }}""")
    assert domains == [[0, 1], [0, 1], [0, 1]]
    rule = phone.locator(f"{CHART} text", has_text="θ − η·∇L =").first
    box, chart = rule.bounding_box(), phone.locator(CHART).first.bounding_box()
    assert box["x"] + box["width"] <= chart["x"] + chart["width"]  # the whole number fits
    screenshot(phone, "playground-phone")
