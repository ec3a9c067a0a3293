"""Real-browser tests: a Streamlit server on a free local port and Debian's Chromium.

Under CI=true a missing browser fails the run; elsewhere these tests skip and
say how to enable them.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SERVER_RECORD = "server.json"  # the shared server's address and process id, in the run's folder
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stPlotlyChart"]'


def _missing(reason: str) -> None:
    message = f"{reason}; install Debian's chromium (apt-get install chromium) or run `make test`."
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def server():
    """The app served on 127.0.0.1; yields its base URL.

    One server for the whole run, shared by pytest-xdist's workers: each page's default computation
    and its compiled programs (``st.cache_resource``, JAX's in-memory cache) are then made once, not
    once per worker, and the server starts once. The first process that needs it starts it, under a
    lock in the run's folder (``tests/conftest.py``: :data:`RUN`), and records its address and process
    id there; the others read the record. The run's first process stops it when every worker is done
    (``tests/conftest.py``: :func:`stop_server`). Its log goes to ``server.log`` in that folder.
    """
    from filelock import FileLock

    from bench import hall
    from tests.conftest import RUN

    record, log_path = Path(RUN) / SERVER_RECORD, Path(RUN) / "server.log"
    with FileLock(Path(RUN) / "server.lock"):
        if record.exists():
            url = json.loads(record.read_text())["url"]
            _wait_for_health(url, None, log_path)
        else:
            port = hall.free_port()
            url = f"http://127.0.0.1:{port}"
            with open(log_path, "w") as log:
                proc = hall.launch(port, log)  # as the `lrviz` command serves a class
            try:
                _wait_for_health(url, proc, log_path)
            except BaseException:
                proc.terminate()
                proc.wait(timeout=10)
                raise
            record.write_text(json.dumps({"url": url, "pid": proc.pid}))
    yield url


def stop_server(folder: Path) -> None:
    """Stop the shared server recorded in ``folder``, if one was started (by whichever process)."""
    record = folder / SERVER_RECORD
    if not record.exists():
        return
    pid = json.loads(record.read_text())["pid"]
    try:  # the process we started, not another that has since taken its id
        if b"streamlit" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return
        os.kill(pid, signal.SIGTERM)
    except (FileNotFoundError, ProcessLookupError):
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:  # reaped by its parent if that worker still lives, else by init
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(") ", 1)[1].startswith("Z"):
                    return
        except (FileNotFoundError, ProcessLookupError):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _wait_for_health(url: str, proc: subprocess.Popen | None, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the Streamlit server exited: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail("the Streamlit server did not start within 60 s")


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


# What a phone's browser says it is: pages lay their charts out in one column for it.
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/126.0 Mobile Safari/537.36")


IPHONE_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def _touch_screen(browser, agent: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  user_agent=agent)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser, server):
    """A page on a phone-sized touch screen whose browser says it is a phone."""
    yield from _touch_screen(browser, PHONE_AGENT)


@pytest.fixture
def iphone(browser, server):
    """The same screen, as an iPhone's Safari says it is."""
    yield from _touch_screen(browser, IPHONE_AGENT)


# Streamlit scrolls its main block, not the window.
_SCROLLED = "() => window.scrollY + document.querySelector('[data-testid=stMain]').scrollTop"
_MIDDLE = """(s) => { const e = document.querySelector(s); e.scrollIntoView({block: 'center'});
  const b = e.getBoundingClientRect(); return [b.left + b.width / 2, b.top + b.height / 2]; }"""


def swipe_up(page, selector: str, distance: float = 200) -> float:
    """Scroll the first element ``selector`` finds to the middle of the window and swipe a finger up
    from its middle, as a touch screen sends it: how many px the page scrolled."""
    x, y = page.evaluate(_MIDDLE, selector)
    before = page.evaluate(_SCROLLED)
    touch = page.context.new_cdp_session(page)
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, 11):
        point = {"x": x, "y": y - distance * i / 10}
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        page.wait_for_timeout(16)  # a frame: the browser turns the moves into a scroll
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    touch.detach()
    page.wait_for_timeout(500)  # the fling settles
    return page.evaluate(_SCROLLED) - before


def open_charts(page, url: str, count: int) -> None:
    """Open ``url`` and wait until Streamlit is done and ``count`` charts are drawn."""
    page.goto(url)
    wait_ready(page, timeout=120_000)
    page.wait_for_function(f"() => document.querySelectorAll('{CHART} .main-svg').length >= {count}",
                           timeout=120_000)


def swipe_over_charts(page, keys, part: str = ".nsewdrag") -> dict[str, float]:
    """Swipe up over each chart named by its Streamlit key (``part`` of it: the first plot's drag
    area), as :func:`swipe_up` does: how many px each swipe scrolled the page."""
    scrolled = {}
    for key in keys:
        page.wait_for_selector(f".st-key-{key} {part}")  # a rerun may be drawing it again
        scrolled[key] = swipe_up(page, f".st-key-{key} {part}")
    return scrolled


def tap(page, selector: str) -> None:
    """A finger's tap on the middle of the first element ``selector`` finds."""
    page.touchscreen.tap(*page.evaluate(_MIDDLE, selector))
    page.wait_for_timeout(500)


# Every axis's range in each plotly.js chart under a selector.
_RANGES = """(s) => [...document.querySelectorAll(s + ' .js-plotly-plot')].map(g => Object.fromEntries(
  Object.entries(g._fullLayout).filter(([k]) => /^[xy]axis\\d*$/.test(k)).map(([k, a]) => [k, a.range])))"""


def ranges(page, selector: str) -> list[dict]:
    return page.evaluate(_RANGES, selector)


def chart_ranges(page, keys) -> dict[str, list[dict]]:
    """Each chart's axis ranges by its Streamlit key, once the page is idle: while a page runs again,
    Streamlit may show a chart twice for a moment (twice in CI, on /sweep and /schedules)."""
    wait_ready(page)
    return {key: ranges(page, f".st-key-{key}") for key in keys}


# A lecture hall's projector, and what a lecturer must see on it at once in presentation mode: the
# chart's rate slider with its value, the line under it, the main plot and the Play button.
PROJECTOR = {"width": 1280, "height": 720}
_ON_ONE_SCREEN = """() => {
  document.querySelector('.lrc-rate-label').scrollIntoView({block: 'start'});
  const box = s => document.querySelector(s).getBoundingClientRect();
  const parts = {slider: box('.lrc-rate-label'), line: box('.lrc-line'),
                 plot: box('.lrc-plot .draglayer .xy .nsewdrag'), play: box('.lrc-play')};
  // Streamlit's header hides what scrolls under it where it is opaque (with the sidebar collapsed).
  const header = document.querySelector('[data-testid=stHeader]');
  const clear = getComputedStyle(header).backgroundColor === 'rgba(0, 0, 0, 0)';
  const hidden = clear ? 0 : header.getBoundingClientRect().bottom;
  return {hidden, ...Object.fromEntries(Object.entries(parts).map(([name, b]) => [name, [b.top, b.bottom]]))};
}"""


def presentation_drawn(page) -> None:
    """Wait for presentation mode's style: an st.html, drawn once its lazily loaded script is in, so
    on a busy machine the chart (plotly.js loaded early) could be drawn before it (CI, once)."""
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize !== '16px'",
                           timeout=30_000)


def on_one_screen(page) -> tuple[float, dict]:
    """Scroll the chart's rate slider to the top of the window: how tall a window must be to show the
    slider, the line under it, the main plot and the Play button at once, below Streamlit's header
    where that hides what is under it (px); and where each is. In presentation mode, its style drawn."""
    presentation_drawn(page)
    found = page.evaluate(_ON_ONE_SCREEN)
    parts = [v for v in found.values() if isinstance(v, list)]
    return found["hidden"] + max(b for _, b in parts) - min(t for t, _ in parts), found


def collapse_sidebar(page) -> None:
    page.locator("[data-testid=stSidebar]").hover()  # the button shows on hover
    page.locator("[data-testid=stSidebarCollapseButton] button").click()
    page.wait_for_selector("[data-testid=stSidebar][data-collapsed=true]", state="attached")


def show_sidebar(page, shown: bool) -> None:
    """Open or fold the sidebar (a presentation link, big=1, opens with it folded)."""
    if (page.locator("[data-testid=stSidebar]").get_attribute("data-collapsed") == "true") == shown:
        if shown:
            page.locator("[data-testid=stHeader] button").first.click()  # the » that opens it
            page.wait_for_selector("[data-testid=stSidebar][data-collapsed=false]", state="attached")
            page.wait_for_timeout(400)  # its slide-in: the page's width settles
        else:
            collapse_sidebar(page)


def wait_ready(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script for the last interaction."""
    page.wait_for_selector(READY, timeout=timeout)


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
