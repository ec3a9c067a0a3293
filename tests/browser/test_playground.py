"""The playground in a real browser: the chart component's rate slider, playback, links, screenshots."""

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import pytest

from bench import hall
from bench.browser import COUNT_RUNS, SENT_REQUESTS, WATCH_SOCKET
from lrviz import surfaces
from lrviz.app.kit.rates import LR_GRID
from lrviz.app.playground import figures
from lrviz.i18n import t
from tests.browser.conftest import (
    PROJECTOR,
    SHOTS,
    on_one_screen,
    open_charts,
    ranges,
    screenshot,
    show_sidebar,
    swipe_over_charts,
    swipe_up,
    tap,
    wait_ready,
)

pytestmark = pytest.mark.browser

PLOT = ".lrc-plot"
READY_PLOT = '.lrc-plot[data-ready="1"]'



# What the canvas over the chart holds: how many pixels are inked, and a hash of which.
INK = """() => {
  const canvas = document.querySelector('.lrc-ink'), g = canvas.getContext('2d');
  const pixels = g.getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0, hash = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) { inked++; hash = (hash * 31 + i) % 1000000007; }
  return {inked, hash};
}"""


def ink(page) -> dict:
    return page.evaluate(INK)


# The chart's top, still for ten frames in a row.
_STILL = """() => new Promise((done) => {
  const top = () => document.querySelector('.lrc-plot').getBoundingClientRect().top;
  let last = top(), calm = 0;
  const tick = () => { const now = top(); calm = now === last ? calm + 1 : 0; last = now;
                       if (calm >= 10) done(true); else requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})"""


def open_chart(page, url: str) -> None:
    page.goto(url)
    wait_ready(page)
    page.wait_for_selector(READY_PLOT, timeout=60_000)
    # The surface's formula above the chart (KaTeX, loaded lazily) could come in after the chart, now
    # drawn sooner (plotly.js loaded early), and push it down under a pointer aimed before (CI, once).
    page.wait_for_selector(".katex", timeout=30_000)
    page.evaluate(_STILL)


def card(page) -> str:
    return page.locator(".lrc-card").get_attribute("data-status") or ""


def runs(page) -> int:
    return page.evaluate("() => window.__runs")


FORGET_SENT = "() => { window.__socket.length = 0; }"


def requests(page) -> int:
    """Rerun requests the page sent since FORGET_SENT."""
    return page.evaluate(SENT_REQUESTS)


def lr_in_url(page) -> str:
    return re.search(r"[?&]lr=([^&]+)", page.url).group(1)


def test_dragging_the_rate_across_the_critical_rate_redraws_without_a_rerun(page, server):
    # f = x²: 2/λ = 1. The slider starts at 0.5 (converges) and is pressed and dragged across 1.
    # Reruns are counted as the requests the page sends (a run of the fragment can be too quick
    # for the page to mark it running, and COUNT_RUNS then missed it: twice in CI).
    page.add_init_script(WATCH_SOCKET)
    open_chart(page, f"{server}/playground?surface=quadratic&lr=0.5&lang=en")
    assert card(page) == "converged"
    assert page.locator(".lrc-here").is_visible()  # the ring on the final-loss chart marks the rate
    before = ink(page)
    assert before["inked"] > 500  # path, ball, step charts: drawn on the canvas over the chart
    page.evaluate(FORGET_SENT)
    # Every status the card shows, recorded in the page (no round trip per press: a pause
    # longer than the chart's send delay between two presses would count as a release).
    page.evaluate("""() => { window.__seen = [];
      const card = document.querySelector('.lrc-card');
      new MutationObserver(() => window.__seen.push(card.dataset.status))
        .observe(card, {attributes: true, attributeFilter: ['data-status']}); }""")
    slider = page.locator(".lrc-rate")
    slider.focus()
    for _ in range(LR_GRID.index(2.0) - LR_GRID.index(0.5)):  # up to 2
        page.keyboard.press("ArrowRight")
    seen = page.evaluate("() => window.__seen")
    assert seen[-1] == "diverged" and "converged" in seen
    assert page.locator(".lrc-rate-value").inner_text() == "2"
    assert ink(page)["hash"] != before["hash"]  # the diverging run is drawn, not the converging one
    for _ in range(LR_GRID.index(2.0) - LR_GRID.index(0.8)):  # back down to 0.8
        page.keyboard.press("ArrowLeft")
    assert card(page) == "converged"
    assert requests(page) == 0  # every one of those moves was drawn in the browser
    # Released: after a short pause the rate goes to the server once, and the link follows.
    page.wait_for_url(re.compile(r"[?&]lr=0\.8(&|$)"), timeout=30_000)
    wait_ready(page)
    assert requests(page) == 1

    # The pointer: drag the thumb to the right end and back past the critical rate.
    page.evaluate(FORGET_SENT)
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    at = lambda lr: box["x"] + 8 + (box["width"] - 16) * LR_GRID.index(lr) / (len(LR_GRID) - 1)  # noqa: E731
    page.mouse.move(at(0.8), y)
    page.mouse.down()
    page.mouse.move(at(3.0), y, steps=12)
    assert card(page) == "diverged"
    page.mouse.move(at(0.3), y, steps=12)
    assert card(page) == "converged"
    assert requests(page) == 0
    page.mouse.up()
    shown = page.locator(".lrc-rate-value").inner_text()
    page.wait_for_url(re.compile(rf"[?&]lr={re.escape(shown)}(&|$)"), timeout=30_000)  # the link follows
    wait_ready(page)
    assert requests(page) == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "playground-1d")


def version(page) -> str:
    return page.locator(".lrc-plot").get_attribute("data-version") or ""


def test_the_charts_steps_noise_and_seed_draw_their_runs_before_any_rerun(page, server):
    # The chart's own settings fetch their runs over HTTP (chart/serve.py): drawn with no rerun
    # asked, then released once, and the link follows.
    page.add_init_script(WATCH_SOCKET)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "_lrviz/runs" in request.url else None)
    open_chart(page, f"{server}/playground?surface=quadratic&steps=500&lr=0.1&noise=0.1&seed=3&lang=en")
    assert not page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').count()  # none left there
    page.evaluate(FORGET_SENT)
    # There and back before the release: the server's own runs on screen, nothing sent.
    drawn = version(page)
    page.locator(".lrc-steps").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(1500)
    assert version(page) == drawn and requests(page) == 0
    for name, key, link in (("steps", "ArrowRight", "steps=510"), ("noise", "ArrowLeft", "noise=0.05")):
        drawn = version(page)
        page.locator(f".lrc-{name}").focus()
        page.keyboard.press(key)
        page.wait_for_function(f"() => document.querySelector('.lrc-plot').dataset.version !== '{drawn}'")
        assert requests(page) == 0, name  # on screen before the server's script heard of it
        page.wait_for_url(re.compile(rf"[?&]{link}(&|$)"), timeout=30_000)
        wait_ready(page)
        assert requests(page) == 1, name  # the release
        page.evaluate(FORGET_SENT)
    assert page.locator(".lrc-frame").get_attribute("max") == "510"
    labels = page.locator(".lrc-settings label span").all_inner_texts()
    assert labels == ["Run length: 510 steps", "Gradient noise σ = 0.05", "Noise seed"]
    # The seed box: a number in range draws its runs; one out of range is refused in words, and kept out.
    seed = page.locator(".lrc-seed")
    seed.fill("7")
    seed.press("Enter")
    page.wait_for_url(re.compile(r"[?&]seed=7(&|$)"), timeout=30_000)
    wait_ready(page)
    page.evaluate(FORGET_SENT)
    asked, drawn = len(fetched), version(page)
    seed.fill("-3")
    seed.press("Enter")
    assert page.locator(".lrc-refused").inner_text().startswith("“Noise seed” takes a whole number from 0")
    assert seed.input_value() == "7"
    page.wait_for_timeout(1000)
    assert (len(fetched), version(page), requests(page)) == (asked, drawn, 0)
    assert [re.search(r"steps=(\d+)", url).group(1) for url in fetched[:1]] == ["510"]
    # Without noise the seed draws nothing: its box is off, and its label says when it is used.
    page.locator(".lrc-noise").focus()
    page.keyboard.press("Home")
    assert page.locator(".lrc-settings label span").all_inner_texts()[2] == "Noise seed: used once σ > 0"
    assert seed.is_disabled()
    assert page.locator('[data-testid="stException"]').count() == 0


SIDEBAR = '[data-testid="stSidebar"]'
# The rerun requests sent when the chart drew new runs (window.__sentAtDraw), from now on.
SENT_AT_DRAW = f"""() => {{
  window.__socket.length = 0;
  window.__sentAtDraw = null;
  new MutationObserver(() => {{
    if (window.__sentAtDraw === null) window.__sentAtDraw = ({SENT_REQUESTS})();
  }})
    .observe(document.querySelector('.lrc-plot'), {{attributes: true, attributeFilter: ['data-version']}});
}}"""


def test_a_click_on_the_map_draws_the_runs_from_there_then_the_page_follows(page, server):
    page.add_init_script(WATCH_SOCKET)
    open_chart(page, f"{server}/playground?surface=ravine&lr=0.01&lang=en")
    page.locator(f"{SIDEBAR} [data-testid=stExpander] summary", has_text="Start point").click()
    picking = page.locator(f"{SIDEBAR} .st-key-pg_pick_start input:checked")
    for _ in range(3):  # on a busy machine a click during the page's first runs was lost (CI, once)
        wait_ready(page)
        if picking.count():
            break
        page.locator(f"{SIDEBAR} .st-key-pg_pick_start label").click()
        page.wait_for_timeout(1500)
    assert picking.count() == 1
    wait_ready(page)
    page.wait_for_selector(".lrc.lrc-pick", timeout=60_000)
    drawn = version(page)
    page.evaluate(SENT_AT_DRAW)
    area = page.locator(".lrc-plot .nsewdrag").first.bounding_box()
    page.mouse.click(area["x"] + area["width"] * 0.75, area["y"] + area["height"] * 0.25)
    page.wait_for_function(f"() => document.querySelector('.lrc-plot').dataset.version !== '{drawn}'")
    assert page.evaluate("() => window.__sentAtDraw") == 0  # drawn first; the click's trigger follows
    page.wait_for_url(re.compile(r"[?&]start=[-\d.]+(%2C|,)[-\d.]+(&|$)"), timeout=30_000)
    wait_ready(page)
    x = float(re.search(r"[?&]start=([-\d.]+)", page.url).group(1))
    box = page.locator(f"{SIDEBAR} [data-testid=stNumberInput]", has_text="x₀").locator("input")
    assert float(box.input_value()) == pytest.approx(x) and x > 0  # the right side of the map
    assert page.locator('[data-testid="stException"]').count() == 0


def test_play_and_the_frame_link(page, server):
    open_chart(page, f"{server}/playground?surface=quadratic&lr=0.1&frame=12&lang=en")
    assert page.locator(".lrc-frame-label span").inner_text() == "step 12"
    assert "step 12 → 13" in page.locator(".lrc-rule").inner_text()
    # Hover over the start of the path (x0, x0²): the tip names step 0, its point and its loss.
    x0 = float(surfaces.get("quadratic").start[0])
    spot = page.evaluate("""([x, y]) => {
      const plot = document.querySelector('.lrc-plot'), L = plot._fullLayout;
      const area = plot.getBoundingClientRect();
      return [area.left + L.xaxis._offset + L.xaxis.d2p(x), area.top + L.yaxis._offset + L.yaxis.d2p(y)];
    }""", [x0, x0 * x0])
    page.mouse.move(*spot)
    tip = page.locator(".lrc-tip")
    tip.wait_for(state="visible", timeout=5_000)
    assert tip.inner_text().splitlines()[0] == "step 0" and f"{x0:g}" in tip.inner_text()
    page.mouse.move(0, 0)
    page.evaluate(COUNT_RUNS)
    page.locator(".lrc-play").click()
    page.wait_for_function("() => Number(document.querySelector('.lrc-frame').value) > 20", timeout=10_000)
    # The rate moves while it plays: the ball stays at the same step of the new run.
    page.locator(".lrc-rate").focus()
    page.keyboard.press("ArrowRight")
    assert runs(page) == 0
    page.locator(".lrc-play").click()  # pause: the step goes into the link
    paused = page.locator(".lrc-frame").input_value()
    page.wait_for_function(f"() => /[?&]frame={paused}(&|$)/.test(location.search)", timeout=30_000)
    assert int(paused) > 20 and page.locator(".lrc-frame-label span").inner_text() == f"step {paused}"
    # A rate whose run ends sooner shows that run's last step; back at the rate, the chosen step is
    # shown again, the one the link still holds (it stayed at step 1 while the link said the other).
    rate = page.locator(".lrc-rate")
    at, top = int(rate.input_value()), int(rate.get_attribute("max"))
    rate.focus()
    page.keyboard.press("End")
    assert int(page.locator(".lrc-frame").input_value()) < int(paused)
    for _ in range(top - at):
        page.keyboard.press("ArrowLeft")
    assert page.locator(".lrc-frame-label span").inner_text() == f"step {paused}"
    page.wait_for_timeout(1500)  # past the rate's release, if one is sent
    wait_ready(page)
    assert re.search(rf"[?&]frame={paused}(&|$)", page.url), page.url
    assert page.locator(".lrc-frame-label span").inner_text() == f"step {paused}"


# How many step labels the lowest step chart draws, and in which tick mode.
STEP_TICKS = f"""() => [document.querySelectorAll('{PLOT} .x4tick').length,
  document.querySelector('{PLOT}')._fullLayout.xaxis4.tickmode]"""


def zoom_steps(page) -> None:
    """Drag across the lowest step chart, as a student zooms into its steps 20-60."""
    left, right, y = page.evaluate(f"""() => {{
      const plot = document.querySelector('{PLOT}'), L = plot._fullLayout, box = plot.getBoundingClientRect();
      const x = (v) => box.left + L.xaxis4._offset + L.xaxis4.d2p(v);
      return [x(20), x(60), box.top + L.yaxis4._offset + L.yaxis4._length / 2]; }}""")
    page.mouse.move(left, y)
    page.mouse.down()
    page.mouse.move(right, y, steps=8)
    page.mouse.up()
    page.wait_for_function(f"() => document.querySelector('{PLOT}')._fullLayout.xaxis4.range[0] > 10",
                           timeout=10_000)


def test_the_step_axes_forget_a_quick_divergences_whole_steps(page, server):
    # At η = 10 the run leaves within 6 steps: its step axes tick every whole step. Back at 0.1
    # (100 steps) they must tick as plotly.js chooses again, not at every one of 100 steps.
    open_chart(page, f"{server}/playground?surface=quadratic&lr=0.1&lang=en")
    first = page.evaluate(STEP_TICKS)
    assert first[1] == "auto" and first[0] <= 12
    page.locator(".lrc-rate").focus()
    page.keyboard.press("End")
    page.wait_for_function(f"() => ({STEP_TICKS})()[1] === 'linear'", timeout=10_000)
    page.keyboard.press("Home")
    for _ in range(LR_GRID.index(0.1)):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({STEP_TICKS})()[1] === 'auto'", timeout=10_000)
    assert page.evaluate(STEP_TICKS)[0] == first[0]
    # A relayout names only what changed; a zoom by hand is undone by the next move all the same.
    zoom_steps(page)
    page.locator(".lrc-rate").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => document.querySelector('{PLOT}')._fullLayout.xaxis4.range[0] === 0",
                           timeout=10_000)
    # And by a new figure (here: the page in Korean), which keeps the map's zoom but not theirs.
    zoom_steps(page)
    page.get_by_text("한국어").click()
    page.wait_for_function("() => document.querySelector('.lrc-rate-name').textContent.includes('학습률')",
                           timeout=30_000)
    page.wait_for_function(f"() => document.querySelector('{PLOT}')._fullLayout.xaxis4.range[0] === 0",
                           timeout=10_000)


# The side of its dashed line the critical rate's label takes on the rate panel, as drawn.
LABEL_SIDE = f"""() => document.querySelector('{PLOT}')._fullLayout.annotations
  .find(a => a.name === '{figures.CRITICAL_LABEL}').yanchor"""


def test_the_buttons_move_the_charts_slider(page, server):
    open_chart(page, f"{server}/playground?surface=quadratic&lr=1.5&lang=en")
    assert card(page) == "diverged"
    assert page.evaluate(LABEL_SIDE) == "top"  # under its line: the rate's own line runs above it
    page.get_by_role("button", name="η ÷ 10").click()
    page.wait_for_url(re.compile(r"[?&]lr=0\.15(&|$)"), timeout=30_000)
    page.wait_for_function("() => document.querySelector('.lrc-card').dataset.status === 'converged'",
                           timeout=30_000)
    assert page.locator(".lrc-rate-value").inner_text() == "0.15"
    page.wait_for_function(f"() => ({LABEL_SIDE})() === 'bottom'", timeout=10_000)  # the rate runs below


def test_an_exact_rate_between_stops_survives_play_and_pause(page, server):
    # A lecturer: after ÷ 2 (1.05 → 0.525) or a lesson's Next, Play then Pause set the rate to the
    # stop 0.5: Streamlit sent the component's default state, which followed the rate, with the frame.
    open_chart(page, f"{server}/playground?surface=quadratic&lr=1.05&lang=en")
    page.get_by_role("button", name="η ÷ 2").click()
    page.wait_for_url(re.compile(r"[?&]lr=0\.525(&|$)"), timeout=30_000)
    page.wait_for_function("() => document.querySelector('.lrc-line').innerText.includes('0.525')",
                           timeout=30_000)
    page.locator(".lrc-play").click()
    page.wait_for_function("() => Number(document.querySelector('.lrc-frame').value) > 2", timeout=10_000)
    page.locator(".lrc-play").click()  # pause: the step goes into the link, and only the step
    paused = page.locator(".lrc-frame").input_value()
    page.wait_for_function(f"() => /[?&]frame={paused}(&|$)/.test(location.search)", timeout=30_000)
    page.wait_for_timeout(1_000)
    assert lr_in_url(page) == "0.525" and "η = 0.525" in page.locator(".lrc-line").inner_text()
    assert page.locator(".lrc-rate-value").inner_text() == "0.525"  # as the line writes it, not "0.5"
    # A release on the stop nearest it, 0.5, is the student's choice, and is sent.
    page.locator(".lrc-rate").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"[?&]lr=0\.5(&|$)"), timeout=30_000)


def test_two_dimensional_view_in_korean(page, server):
    open_chart(page, f"{server}/playground?surface=ravine&lr=0.07&optimizer=momentum&lang=ko")
    page.wait_for_selector(f"{PLOT} image")  # the contour map is a picture under the axes
    said = page.locator(".lrc-card").inner_text()
    assert "수렴" in said or "진동" in said
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "playground-2d-ko")


def test_presentation_mode_in_2d(page, server):
    open_chart(page, f"{server}/playground?surface=rosenbrock&lr=0.001&optimizer=momentum&big=1&lang=en")
    assert page.locator(".lrc.lrc-big").count() == 1
    screenshot(page, "playground-2d-big")


@pytest.mark.parametrize("lang, sidebar", [("en", "open"), ("ko", "collapsed")])
def test_presentation_mode_fits_a_projector(browser, server, lang, sidebar):
    """At 1280×720 one scroll shows the rate slider, its line, the plot and the Play bar together
    (with an 800 px figure they took 843 px)."""
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        open_chart(page, f"{server}/playground?big=1&lang={lang}")
        show_sidebar(page, sidebar == "open")
        needed, parts = on_one_screen(page)
        assert needed <= PROJECTOR["height"], parts
        screenshot(page, f"playground-big-1280x720-{lang}")
    finally:
        context.close()


# The rate chart's name and the critical rate's label over its dashed line, as plotly.js drew them.
_RATE_LABELS = """() => {
  const boxes = {};
  for (const g of document.querySelectorAll('.lrc-plot g.annotation')) {
    const b = g.querySelector('.annotation-text-g').getBoundingClientRect();
    boxes[g.textContent.includes('λmax') ? 'critical' : g.textContent] = [b.left, b.top, b.right, b.bottom];
  }
  return boxes;
}"""


@pytest.mark.parametrize("big, lang, setting", [
    (True, "en", "surface=quadratic"), (False, "ko", "surface=quadratic"),
    (True, "ko", "surface=ravine&optimizer=momentum"), (False, "en", "surface=ravine&optimizer=momentum"),
])
def test_the_critical_rates_label_keeps_clear_of_the_rate_charts_name(browser, server, big, lang, setting):
    """Over its line (the rate runs under it) the label "2/λmax = 1" stays inside the rate chart, under
    the chart's name "learning rate η": at 1280×720 in presentation mode they overlapped by 7 px."""
    context = browser.new_context(viewport=PROJECTOR if big else {"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        open_chart(page, f"{server}/playground?{setting}&lr=0.01&lang={lang}" + ("&big=1" if big else ""))
        name = "learning rate η" if lang == "en" else "학습률 η"
        page.wait_for_function(f"() => ({_RATE_LABELS})().critical && ({_RATE_LABELS})()['{name}']")
        page.wait_for_timeout(500)  # the step axes follow the rate once the chart rests
        boxes = page.evaluate(_RATE_LABELS)
        # Both start at the chart's left edge: apart means the label's top is under the name's bottom.
        assert boxes["critical"][1] >= boxes[name][3], boxes
    finally:
        context.close()


def test_the_page_asks_nothing_of_other_origins(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    open_chart(page, f"{server}/playground?surface=himmelblau&lr=0.01&lang=en")
    page.locator(".lrc-rate").focus()
    page.keyboard.press("ArrowRight")
    page.locator(".lrc-steps").focus()
    page.keyboard.press("ArrowRight")  # its runs come over HTTP
    page.locator(".lrc-play").click()
    page.wait_for_timeout(1500)
    context.close()
    origin = urlparse(server).netloc
    outside = [u for u in urls if not u.startswith(("data:", "blob:")) and urlparse(u).netloc != origin]
    assert outside == [] and any(u.endswith("plotly.min.js") for u in urls)
    assert any("/_lrviz/runs?" in u for u in urls)


def test_a_chart_whose_plotly_js_cannot_load_falls_back_to_the_plain_figure(page, server):
    # The fallback: the page says so in the student's language and draws st.plotly_chart,
    # and the sidebar takes back the chart's own steps, noise and seed. Both of chart.js's mounts
    # (the preloader at the page's top, the chart) ask for plotly.js: neither gets it here.
    page.route("**/plotly.min.js", lambda route: route.abort())
    page.goto(f"{server}/playground?surface=quadratic&lr=0.1&lang=ko")
    said = t("pg.chart_fallback", "ko", why="@").split("@")[0]
    page.wait_for_function(f"() => document.body.innerText.includes({said!r})", timeout=60_000)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
    wait_ready(page)
    assert page.locator(f'{SIDEBAR} [data-testid="stSlider"]').count() >= 2  # steps and noise are back
    assert page.locator('[data-testid="stException"]').count() == 0


def test_switching_language_relabels_the_chosen_values_of_select_boxes(page, server):
    # streamlit#13788: a select box keeps its old label until its value is set again.
    open_chart(page, f"{server}/playground?surface=quadratic&optimizer=sgd&schedule=constant&lang=en")
    boxes = "[data-testid=stSidebar] [data-testid=stSelectbox] input"
    chosen = f"() => [...document.querySelectorAll('{boxes}')].map(e => e.value)"
    assert page.evaluate(chosen) == ["Quadratic · 1-D", "SGD", "Constant"]
    page.locator('[data-testid="stSidebar"]').get_by_text("한국어").click()
    page.wait_for_function("() => document.body.innerText.includes('학습률')", timeout=30_000)
    wait_ready(page)
    assert page.evaluate(chosen) == ["이차 함수 · 1-D", "SGD (경사 하강법)", "고정"]
    page.wait_for_function("() => document.querySelector('.lrc-card').innerText.includes('수렴')",
                           timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_phone_gets_the_charts_and_the_update_rule_under_the_map(phone, server):
    # Beside the map, the update rule had a hundred pixels: "3.62e-08" read "3.62e-0".
    open_chart(phone, f"{server}/playground?surface=quadratic&lr=0.1&lang=ko")
    domains = phone.evaluate(f"""() => {{
        const layout = document.querySelector('{PLOT}').layout;
        return ['xaxis', 'xaxis2', 'xaxis5'].map(name => layout[name].domain);
    }}""")
    assert domains == [[0, 1], [0, 1], [0, 1]]
    assert "θ − η·∇L =" in phone.locator(".lrc-rule").inner_text()
    # The whole rule fits the width it is given: nothing cut at its right edge.
    needs, has = phone.evaluate("() => { const r = document.querySelector('.lrc-rule');"
                                " return [r.scrollWidth, r.clientWidth]; }")
    assert 0 < needs <= has
    screenshot(phone, "playground-phone")


def test_a_narrow_desktop_window_gets_the_phones_one_column(browser, server):
    # At 560 px, no phone's user agent, the step charts beside the map were 120 px wide, their names
    # cut ("loss − lowest loss (lo") and the update rule's numbers off its edge (a review found it).
    context = browser.new_context(viewport={"width": 560, "height": 900})
    page = context.new_page()
    # The step charts' domains: the page's width under the map, or beside it.
    domains = f"""() => {{
        const layout = document.querySelector('{PLOT}').layout;
        return ['xaxis2', 'xaxis5'].map(name => layout[name].domain);
    }}"""
    try:
        open_chart(page, f"{server}/playground?surface=rosenbrock&lr=0.001&lang=ko")
        page.wait_for_function(f"() => ({domains})().every(d => d[0] === 0 && d[1] === 1)", timeout=30_000)
        wait_ready(page)
        needs, has = page.evaluate("() => { const r = document.querySelector('.lrc-rule');"
                                   " return [r.scrollWidth, r.clientWidth]; }")
        assert 0 < needs <= has
        found = page.evaluate(_RATE_BUTTONS)  # the page followed: two rows of quick-rate buttons, not five
        assert len(found["labels"]) == 5 and found["rows"] <= 2, found
        page.locator(".lrc-plot").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "playground-narrow-window.png"))
        page.set_viewport_size({"width": 1400, "height": 900})  # widened again: the map beside them
        page.wait_for_function(f"() => ({domains})().every(d => d[0] > 0.5)", timeout=30_000)
    finally:
        context.close()


# The quick-rate buttons' rows (their distinct tops) and the bottom of the chart's rate slider.
_RATE_BUTTONS = """() => {
  const shown = [...document.querySelectorAll('[data-testid=stMain] [data-testid=stButton] button')]
    .filter(b => b.innerText.includes('η') && b.getBoundingClientRect().height > 0);
  const tops = shown.map(b => b.getBoundingClientRect().top);
  return {labels: shown.map(b => b.innerText.trim()), rows: new Set(tops).size,
          whole: shown.every(b => b.scrollWidth <= b.clientWidth),
          slider: document.querySelector('.lrc-rate').getBoundingClientRect().bottom};
}"""


def test_a_phone_gets_the_quick_rate_buttons_in_two_rows(phone, server):
    # Five full-width rows pushed the chart's rate slider to y 827-843 of an 844 px screen.
    open_chart(phone, f"{server}/playground?lang=ko")
    found = phone.evaluate(_RATE_BUTTONS)
    assert len(found["labels"]) == 5 and found["rows"] <= 2 and found["whole"], found
    assert found["slider"] <= 844 - 100, found  # the slider well inside the first screen
    screenshot(phone, "playground-phone-rate-buttons")


# The map, its x axis, a step chart and the overview.
SWIPED = (".lrc-plot .xy .nsewdrag", ".lrc-plot .xy .ewdrag", ".lrc-plot .x2y2 .nsewdrag",
          ".lrc-overview .nsewdrag")


def test_a_swipe_over_the_chart_scrolls_a_phones_page(iphone, server):
    # A swipe over the charts zoomed them (plotly.js's drag-to-zoom) and said "Double-click to zoom
    # back out" in English; the chart is 358 of 390 px wide, so the page scrolled only at its edges.
    open_chart(iphone, f"{server}/playground?surface=rosenbrock&lang=ko")
    shown = ranges(iphone, ".lrc")
    for part in SWIPED:
        assert swipe_up(iphone, part) > 100, part
        tap(iphone, part)  # plotly.js reads a tap there as a double-click: an autorange
        assert ranges(iphone, ".lrc") == shown, part
    assert iphone.locator(".notifier-note").count() == 0


# The 3-D view's camera, as plotly.js holds it.
_CAMERA = ("() => document.querySelector('.st-key-pg_3d .js-plotly-plot')"
           "._fullLayout.scene._scene.getCamera().eye")


def test_a_swipe_over_the_3d_view_scrolls_a_phones_page(iphone, server):
    # It turned the surface under a finger; with its drag mode off, plotly.js's camera still cancelled
    # the swipe. On a phone the view is a picture the page scrolls over.
    open_charts(iphone, f"{server}/playground?surface=rosenbrock&view=3d&lang=ko", 1)
    iphone.wait_for_selector(".st-key-pg_3d .gl-container canvas")
    eye = iphone.evaluate(_CAMERA)
    scrolled = swipe_over_charts(iphone, ("pg_3d",), part="#scene")
    assert all(px > 100 for px in scrolled.values()), scrolled
    assert iphone.evaluate(_CAMERA) == eye
    screenshot(iphone, "playground-3d-phone")


def test_a_setting_that_changes_only_the_run_reruns_only_the_chart(server):
    # Steps released on the chart (fetched first), a hyper-parameter's value in the sidebar: the
    # chart's fragment reruns, reading the new values (ui._restage); the sidebar itself is not sent
    # again. A new optimizer reruns the page, whose sidebar then holds that optimizer's settings.
    async def visit():
        student = hall.Student(server)
        load = await student.open("/playground?surface=quadratic&steps=60&lr=0.1&lang=en")
        steps = await student.chart_settings(steps=90)
        after_steps = student.query
        momentum = await student.set(student.key("pg_o_sgd_momentum"), 0.5)
        after_momentum = student.query
        optimizer = await student.set(student.key("pg_optimizer"), "adam")
        await student.close()
        return student, load, (steps, after_steps), (momentum, after_momentum), optimizer

    with ThreadPoolExecutor(1) as pool:  # an event loop of its own, away from any Playwright test's
        student, load, (steps, after_steps), (momentum, after_momentum), optimizer = pool.submit(
            asyncio.run, visit()).result()
    assert student.errors == []
    for run in (steps, momentum):
        assert run.runs == 1 and run.elements["bidi_component"] >= 1  # the chart (and the copy-link button)
        assert "selectbox" not in run.elements  # the sidebar is not sent again
        assert sum(run.elements.values()) < sum(load.elements.values()) / 2
    assert "steps=90" in after_steps
    assert "o.momentum=0.5" in after_momentum and "steps=90" in after_momentum  # both kept
    assert optimizer.elements["selectbox"] >= 3  # the page again, with Adam's settings
    assert student.key("pg_o_adam_betas") is not None
    assert "optimizer=adam" in student.query


TOOL_TIPS = (f"() => [...document.querySelectorAll('{PLOT} .modebar-btn')]"
             ".map(b => b.getAttribute('data-title'))")


def test_the_charts_toolbar_speaks_the_pages_language_and_offers_no_cloud(page, server):
    """plotly.js's own tips were English on the Korean page, and its "Share chart..." button (a
    chart sent to a Plotly server, none configured here) did nothing but log an error."""
    open_chart(page, f"{server}/playground?lang=ko")
    korean = page.evaluate(TOOL_TIPS)
    assert "그림을 PNG로 내려받기" in korean and "축 되돌리기" in korean
    assert not any(re.search("[a-z]{2}", tip) for tip in korean), korean  # PNG, a name, stays
    page.get_by_text("English").click()
    page.wait_for_function(f"() => ({TOOL_TIPS})().includes('Reset axes')", timeout=30_000)
    assert "Share chart..." not in page.evaluate(TOOL_TIPS)
