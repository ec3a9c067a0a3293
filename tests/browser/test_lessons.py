"""A lesson in a real browser: the clicker's keys move through it, "step k of n" and the address bar
follow, presentation mode toggles, and every step of the first lesson is photographed at 1280×720."""

import contextlib
import re
from collections.abc import Iterator

import pytest

from lrviz.app.lessons.catalog import lessons
from tests.browser.conftest import (
    IPHONE_AGENT,
    PROJECTOR,
    SHOTS,
    collapse_sidebar,
    on_one_screen,
    presentation_drawn,
    screenshot,
    show_sidebar,
    wait_ready,
)

pytestmark = pytest.mark.browser


def _at_step(page, k: int, n: int) -> None:
    page.wait_for_function(f"() => document.body.innerText.includes('Step {k} of {n}')", timeout=60_000)
    wait_ready(page)
    # keys.js is listening (the element mounts just after the script's run ends)
    page.wait_for_function("() => globalThis.__lrvizLessonKeys && globalThis.__lrvizLessonKeys.send",
                           timeout=30_000)
    assert re.search(rf"[?&]step={k}(&|$)", page.url), page.url


@contextlib.contextmanager
def _first_lesson_at(browser, server, step: int, query: str = "") -> Iterator[tuple[object, int]]:
    """A page on the first lesson's ``step`` (English, 1280×720, keys listening), and its step count."""
    n = len(lessons()["rate"].steps)
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        page.goto(f"{server}/lessons?lesson=rate&step={step}&lang=en{query}")
        wait_ready(page, timeout=120_000)
        _at_step(page, step, n)
        yield page, n
    finally:
        context.close()


def test_keys_move_through_a_lesson_and_every_step_is_photographed(browser, server):
    with _first_lesson_at(browser, server, 1) as (page, n):
        page.keyboard.press("PageDown")
        _at_step(page, 2, n)
        page.keyboard.press("ArrowRight")
        _at_step(page, 3, n)
        page.keyboard.press("PageUp")
        _at_step(page, 2, n)
        assert page.locator('[data-testid="stException"]').count() == 0

        page.locator("[data-testid=\"stMain\"]").get_by_text("Presentation mode").first.click()
        page.wait_for_function("() => location.search.includes('big=1')", timeout=30_000)
        wait_ready(page)
        assert f"Step 2 of {n}" in page.inner_text("body")

        SHOTS.mkdir(exist_ok=True)
        page.goto(f"{server}/lessons?lesson=rate&step=1&big=1&lang=en")
        wait_ready(page, timeout=120_000)
        for k in range(1, n + 1):
            if k > 1:
                page.keyboard.press("PageDown")
            _at_step(page, k, n)
            page.wait_for_timeout(500)  # the chart's first paint
            assert "big=1" in page.url
            assert page.locator('[data-testid="stException"]').count() == 0
            page.screenshot(path=str(SHOTS / f"lesson-rate-step{k}.png"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_step_in_presentation_mode_fits_a_projector(browser, server, lang):
    """At 1280×720 one scroll shows the step's rate slider, its line, the plot and the Play bar
    together (with an 800 px figure they took 831 px), with the sidebar open or folded."""
    with _on_a_projector(browser, f"{server}/lessons?lesson=rate&step=1&big=1&lang={lang}") as page:
        for sidebar in ("open", "collapsed"):
            show_sidebar(page, sidebar == "open")
            needed, parts = on_one_screen(page)
            assert needed <= PROJECTOR["height"], (sidebar, parts)


@contextlib.contextmanager
def _on_a_projector(browser, url: str) -> Iterator[object]:
    """A 1280×720 page at ``url`` once its chart has drawn."""
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        page.goto(url)
        wait_ready(page, timeout=120_000)
        page.wait_for_selector('.lrc-plot[data-ready="1"]', timeout=60_000)
        yield page
    finally:
        context.close()


# What the hall reads, by its type: the page's own (Streamlit sizes its text in rem), the sidebar's
# labels, the line under the chart's rate slider; and where the step's page starts and whether the
# step list shows the step's name whole.
_READING = """() => {
  const size = s => { const e = document.querySelector(s); return e && getComputedStyle(e).fontSize; };
  const list = document.querySelector('[data-testid=stMain] [data-testid=stSelectbox] input');
  return {page: size('html'), sidebar: size('[data-testid=stSidebar] [data-testid=stWidgetLabel] p'),
          line: size('.lrc-line'), caption: size('[data-testid=stMain] [data-testid=stAlert] p'),
          top: getComputedStyle(document.querySelector('[data-testid=stMainBlockContainer]')).paddingTop,
          whole: !list || list.scrollWidth <= list.clientWidth};
}"""


def test_a_step_in_presentation_mode_reads_like_the_playground_in_presentation_mode(browser, server):
    """The step's page, its caption and the sidebar take presentation mode's type, as /playground?big=1
    does (the lesson enlarged only the chart); a compare step keeps the lesson's small room on top."""
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        def reading(url: str, ready: str) -> dict:
            page.goto(url)
            wait_ready(page, timeout=120_000)
            page.wait_for_selector(ready, timeout=60_000)
            presentation_drawn(page)
            return page.evaluate(_READING)

        plot = '.lrc-plot[data-ready="1"]'
        alone = reading(f"{server}/playground?big=1&lang=en", plot)
        step = reading(f"{server}/lessons?lesson=rate&step=1&big=1&lang=en", plot)
        read = ("page", "sidebar", "line")
        assert {k: step[k] for k in read} == {k: alone[k] for k in read}, (step, alone)
        assert step["caption"] == alone["page"] == "21px", step
        assert step["whole"], step  # the step list, a row of its own, shows "1/10 · Playground: …" whole
        compare = reading(f"{server}/lessons?lesson=momentum&step=2&big=1&lang=en", ".js-plotly-plot")
        assert compare["page"] == compare["caption"] == "21px" and compare["whole"], compare
        assert compare["top"] == step["top"], (compare, step)  # the compare page's own 4.5rem does not win
    finally:
        context.close()


def test_a_clicker_moves_the_step_while_a_toggle_has_focus(browser, server):
    """A click on a toggle or checkbox leaves focus on its <input>; a clicker's PageDown / PageUp must
    still move the step there, not only after a click on a blank area."""
    with _first_lesson_at(browser, server, 8, "&big=1") as (page, n):
        # A toggle as a click leaves it: focused. (The page's own toggles sit in closed expanders, and
        # the presentation toggle redraws the header when clicked, which drops the focus.)
        page.evaluate("""() => { const box = document.createElement('input'); box.type = 'checkbox';
            document.querySelector('[data-testid=stMain]').prepend(box); box.focus(); }""")
        focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.type]")
        assert focused == ["INPUT", "checkbox"], focused  # the case the fix is for
        page.keyboard.press("PageDown")
        _at_step(page, 9, n)
        assert "big=1" in page.url
        page.keyboard.press("PageUp")
        _at_step(page, 8, n)
        assert page.locator('[data-testid="stException"]').count() == 0


def test_the_steps_settings_come_back_after_the_student_tried_others(browser, server):
    """Step 4 of the first lesson is η = 1.05; a student moves the chart's rate down with the keys, then
    the sidebar's reset brings the chart's slider, its verdict and the page back to the step's, and a
    release still waiting in the chart does not undo it."""
    with _first_lesson_at(browser, server, 4) as (page, n):
        page.wait_for_function("() => document.querySelector('.lrc-plot')?.dataset.ready === '1'",
                               timeout=60_000)
        assert page.locator(".lrc-rate-value").inner_text() == "1.05"
        assert page.locator(".lrc-card").get_attribute("data-status") == "diverged"
        page.locator(".lrc-rate").focus()
        for _ in range(6):
            page.keyboard.press("ArrowLeft")
        page.wait_for_function("() => document.querySelector('.lrc-card').dataset.status !== 'diverged'",
                               timeout=10_000)
        # At once, before the chart sends the keys' release (0.6 s after the last): sent after the
        # reset had moved the rate back, it snapped the slider to the stop 1 beside 1.05.
        reset = page.locator('[data-testid="stSidebar"]').get_by_text("Back to this step's settings")
        reset.evaluate("label => label.closest('button').click()")
        page.wait_for_function("() => document.querySelector('.lrc-rate-value').textContent === '1.05'",
                               timeout=30_000)
        page.wait_for_timeout(1500)  # past any release still waiting
        wait_ready(page)
        shown = page.evaluate("() => [document.querySelector('.lrc-rate-value').textContent,"
                              " document.querySelector('.lrc-card').dataset.status]")
        assert shown == ["1.05", "diverged"], shown
        _at_step(page, 4, n)
        assert page.locator('[data-testid="stException"]').count() == 0


def test_the_charts_run_length_comes_back_with_the_steps_settings_and_moves_again(browser, server):
    """The chart's run length, released, then reset by the step's settings, then moved to the same
    length again: the server takes the second release too (each is numbered: a component's state
    that equals an earlier one calls no callback), and the next reset is drawn."""
    steps = "() => document.querySelector('.lrc-steps').value"
    with _first_lesson_at(browser, server, 4) as (page, n):
        page.wait_for_function("() => document.querySelector('.lrc-plot')?.dataset.ready === '1'",
                               timeout=60_000)
        lesson = int(page.evaluate(steps))
        reset = page.locator('[data-testid="stSidebar"]').get_by_text("Back to this step's settings")
        for _ in range(2):
            page.locator(".lrc-steps").focus()
            page.keyboard.press("ArrowRight")
            assert int(page.evaluate(steps)) == lesson + 10
            page.wait_for_timeout(1500)  # the release, and its rerun
            wait_ready(page)
            assert int(page.evaluate(steps)) == lesson + 10  # taken, not put back by older data
            reset.evaluate("label => label.closest('button').click()")
            page.wait_for_function(f"() => document.querySelector('.lrc-steps').value === '{lesson}'",
                                   timeout=30_000)
            wait_ready(page)
        assert page.locator(".lrc-settings label span").first.inner_text() == f"Run length: {lesson} steps"
        _at_step(page, 4, n)
        assert page.locator('[data-testid="stException"]').count() == 0


def test_a_phone_is_not_told_about_keys_it_does_not_have(phone, server):
    phone.goto(f"{server}/lessons?lesson=rate&step=1&lang=ko")
    wait_ready(phone, timeout=120_000)
    phone.wait_for_function("() => document.body.innerText.includes('10단계 중 1단계')", timeout=60_000)
    assert "PageDown" not in phone.locator('[data-testid="stMain"]').inner_text()


# Where Streamlit's header ends while it hides what lies under it (0 while it is transparent), and
# the lesson's controls: Previous, Next, the step list, the presentation toggle; whether each is
# what a click on its middle reaches.
_UNDER_HEADER = """() => {
  const header = document.querySelector('[data-testid=stHeader]');
  const clear = getComputedStyle(header).backgroundColor === 'rgba(0, 0, 0, 0)';
  const main = document.querySelector('[data-testid=stMain]');
  const controls = [...main.querySelectorAll('[data-testid=stButton], [data-testid=stSelectbox],'
                                            + ' [data-testid=stCheckbox]')].slice(0, 4);
  return {hidden: clear ? 0 : header.getBoundingClientRect().bottom, controls: controls.map(e => {
    const b = e.getBoundingClientRect(), middle = [b.left + b.width / 2, b.top + b.height / 2];
    return [e.innerText, b.top, e.contains(document.elementFromPoint(...middle))];
  })};
}"""


@pytest.mark.parametrize("screen", ["laptop", "phone", "wide, sidebar collapsed"])
def test_the_lessons_controls_sit_below_streamlits_header(browser, server, screen):
    """At 768 px and narrower (the sidebar starts collapsed) the header is white, 60 px tall, and took
    the clicks on Previous, Next, the step list and the toggle, which sat at y 32-72."""
    size = {"width": 390, "height": 844} if screen == "phone" else \
        {"width": 760, "height": 860} if screen == "laptop" else {"width": 1400, "height": 900}
    touch = dict(is_mobile=True, has_touch=True, user_agent=IPHONE_AGENT) if screen == "phone" else {}
    context = browser.new_context(viewport=size, **touch)
    page = context.new_page()
    try:
        page.goto(f"{server}/lessons?lesson=rate&step=1&lang=ko")
        wait_ready(page, timeout=120_000)
        page.wait_for_selector('.lrc-plot[data-ready="1"]', timeout=60_000)
        if screen.endswith("collapsed"):
            collapse_sidebar(page)
        found = page.evaluate(_UNDER_HEADER)
        assert found["hidden"] > 0, found  # the case: an opaque header
        assert len(found["controls"]) == 4 and all(top >= found["hidden"] and reached
                                                   for _, top, reached in found["controls"]), found
        screenshot(page, f"lesson-header-{screen.split(',')[0]}")
        page.get_by_role("button", name="다음").click(timeout=5_000)
        page.wait_for_function("() => /[?&]step=2(&|$)/.test(location.search)", timeout=30_000)
    finally:
        context.close()


def test_presentation_mode_leaves_the_lessons_controls_to_the_clicks(browser, server):
    """In presentation mode Streamlit's header is transparent: the lesson's controls show through it
    at y 48-88 (1280×720, sidebar collapsed), and its toolbar, the page's width, took their clicks."""
    with _on_a_projector(browser, f"{server}/lessons?lesson=rate&step=1&big=1&lang=en") as page:
        # A presentation link opens with the sidebar folded (beside it the chart began at the foot).
        assert page.locator("[data-testid=stSidebar]").get_attribute("data-collapsed") == "true"
        found = page.evaluate(_UNDER_HEADER)
        assert found["hidden"] == 0, found  # the case: a header one sees through
        assert len(found["controls"]) == 4 and all(reached for *_, reached in found["controls"]), found
        page.get_by_role("button", name="Next").click(timeout=5_000)
        page.wait_for_function("() => /[?&]step=2(&|$)/.test(location.search)", timeout=30_000)
        page.locator("[data-testid=stHeader] button").first.click(timeout=5_000)  # the sidebar opens
        page.wait_for_selector("[data-testid=stSidebar][data-collapsed=false]", state="attached")


def test_a_clicker_moves_the_step_after_the_rate_was_dragged(browser, server):
    """A presenter drags η with the mouse, then presses the clicker: PageDown moves the step (it moved η
    from 0.3 to 0.1 and left the step), Space too; the slider's arrows still nudge η. A slider reached
    by the keyboard keeps PageDown (the ARIA slider pattern)."""
    with _first_lesson_at(browser, server, 2, "&big=1") as (page, n):
        page.wait_for_selector('.lrc-plot[data-ready="1"]', timeout=60_000)
        rate = page.locator(".lrc-rate")
        rate.click()  # the mouse leaves focus on it
        assert page.evaluate("() => document.activeElement.classList.contains('lrc-rate')")
        clicked = rate.input_value()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => document.querySelector('.lrc-rate').value !== '{clicked}'")
        page.keyboard.press("PageDown")
        _at_step(page, 3, n)
        page.wait_for_selector('.lrc-plot[data-ready="1"]', timeout=60_000)
        rate = page.locator(".lrc-rate")
        rate.click()
        page.keyboard.press(" ")
        _at_step(page, 4, n)
        page.wait_for_selector('.lrc-plot[data-ready="1"]', timeout=60_000)
        page.locator(".lrc-rate").focus()  # as Tab reaches it: no pointer
        page.keyboard.press("Tab")
        page.keyboard.press("Shift+Tab")
        value = page.locator(".lrc-rate").input_value()
        page.keyboard.press("PageDown")
        page.wait_for_function(f"() => document.querySelector('.lrc-rate').value !== '{value}'")
        page.wait_for_timeout(1000)  # a step it moved would have reached the address bar by now
        wait_ready(page)
        assert re.search(r"[?&]step=4(&|$)", page.url), page.url
