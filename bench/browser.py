"""Measure slider-to-redraw latency of a Streamlit page in headless Chromium."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path

from bench import hall

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the browser tests import COUNT_RUNS, and skip with a message without Playwright
    PlaywrightTimeout = TimeoutError

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'

# Count script runs from now on (window.__runs): stApp's data-test-script-state turning to
# "running". The playground bench and its browser test both count with it. One callback may
# bring several changes (a quick fragment rerun: running, then notRunning): each record's new
# value is the next record's old value, the last one's the attribute as it is now.
COUNT_RUNS = """() => {
  window.__runs = 0;
  const app = document.querySelector('[data-testid=stApp]'), name = 'data-test-script-state';
  new MutationObserver(records => {
    records.forEach((r, i) => {
      const now = i + 1 < records.length ? records[i + 1].oldValue : app.getAttribute(name);
      if (now === 'running' && r.oldValue !== 'running') window.__runs += 1;
    });
  }).observe(app, {attributes: true, attributeFilter: [name], attributeOldValue: true});
}"""

# Every message the page's websocket sends (negative size) or receives, with its time: installed
# before the page loads, so Streamlit's own socket is the one watched.
WATCH_SOCKET = """(() => {
  window.__socket = [];
  const Socket = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Socket(...args), send = socket.send.bind(socket);
    const note = size => window.__socket.push([performance.now(), size]);
    socket.addEventListener('message', e => note(e.data.byteLength || e.data.size || 0));
    socket.send = data => { note(-(data.byteLength || data.length || 0)); return send(data); };
    return socket;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""
# How many rerun requests the page sent since ``window.__socket`` was last emptied: the messages
# that carry widget states (an app heartbeat, a few bytes, is not one). Unlike COUNT_RUNS, which
# watches the page mark its script as running, it cannot miss a run too quick to be marked.
SENT_REQUESTS = "() => window.__socket.filter(([, size]) => size < -16).length"

# Arm a probe before a key press: note when the script runs and finishes, and when the
# chart is redrawn. Streamlit either replaces the chart's element (a new element that
# has been plotted, i.e. has _fullLayout) or re-plots it in place (plotly_afterplot).
_ARM = """() => {
  const before = document.querySelector('.js-plotly-plot');
  const probe = {t0: performance.now(), running: false, done: null, replotted: false, before, plots: 0};
  window.__probe = probe;
  if (before && before.on) before.on('plotly_afterplot', () => { probe.replotted = true; });
  // Count the plots drawn for this move: hook every chart element that appears from now on,
  // once plotly.js has given it its event methods.
  const hooked = new WeakSet();
  const hook = chart => {
    if (chart === before || hooked.has(chart)) return;
    hooked.add(chart);
    const count = () => { probe.plots += 1; };
    const attach = () => chart.on ? chart.on('plotly_afterplot', count) : setTimeout(attach, 0);
    attach();
  };
  if (window.__charts) window.__charts.disconnect();  // the previous move's watcher
  window.__charts = new MutationObserver(() => document.querySelectorAll('.js-plotly-plot').forEach(hook));
  window.__charts.observe(document.body, {childList: true, subtree: true});
  const app = document.querySelector('[data-testid=stApp]');
  // Records carry the old value, so a run that starts and ends between two callbacks still counts.
  new MutationObserver(records => {
    for (const record of records) {
      if (record.attributeName !== 'data-test-script-state') continue;
      const now = app.getAttribute(record.attributeName);
      if (record.oldValue === 'running' || now === 'running') probe.running = true;
    }
    const state = app.getAttribute('data-test-script-state');
    if (state === 'notRunning' && probe.running && probe.done === null) probe.done = performance.now();
  }).observe(app, {attributes: true, attributeOldValue: true});
}"""
# Settled: redrawn, and the run over. A quick run can start and end within one React commit, so
# the attribute never reads "running" (probe.done stays null): then "not running now" suffices.
_SETTLED = """() => {
  const probe = window.__probe, chart = document.querySelector('.js-plotly-plot');
  const replaced = chart !== null && chart !== probe.before && chart._fullLayout !== undefined;
  const redrawn = probe.replotted || replaced;
  const app = document.querySelector('[data-testid=stApp]');
  const idle = app.getAttribute('data-test-script-state') === 'notRunning';
  return redrawn && (probe.done !== null || idle);
}"""
# Milliseconds from the press to the first paint after that (two animation frames).
_AFTER_PAINT = """() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(
  () => resolve(performance.now() - window.__probe.t0))))"""
# The browser's main thread is blocked in "long tasks" (50 ms or more: parsing, React, plotly.js).
_WATCH_BUSY = """() => {
  window.__busy = [];
  new PerformanceObserver(list => { for (const e of list.getEntries()) window.__busy.push(e); })
    .observe({entryTypes: ['longtask']});
}"""
_BUSY_SINCE_PRESS = """() => window.__busy.filter(e => e.startTime >= window.__probe.t0)
  .reduce((sum, e) => sum + e.duration, 0)"""


@dataclasses.dataclass(frozen=True)
class Move:
    """One slider move: ms from the key press to the redrawn page's first paint; ms of it the
    browser's main thread was blocked; how many plots plotly.js drew for it."""

    latency: float
    busy: float
    plots: int


@contextlib.contextmanager
def serve(script: str) -> Iterator[str]:
    """A Streamlit server for ``script`` on a free local port, started as the ``lrviz`` command
    starts the app (``bench.hall.launch``), so every page measured runs with the same settings;
    yields its URL."""
    with hall.serve(script=script) as (url, _pid):
        yield url


def open_page(browser, url: str, drawn: str, probe: str, *, init: str | None = None):
    """A new page at ``url``, once the script has run and ``drawn`` (a selector) is on screen,
    with ``probe`` (a JS function) evaluated in it; ``init`` (a script) runs before the page's own."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    if init is not None:
        page.add_init_script(init)
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    page.wait_for_selector(drawn, timeout=120_000)
    page.wait_for_timeout(500)
    page.evaluate(probe)
    return page


def slider_moves(browser, url: str, slider_label: str, moves: int, key: str) -> list[Move]:
    """Each of ``moves`` key presses on the slider, timed to the redrawn page."""
    page = open_page(browser, url, '[data-testid="stPlotlyChart"] .main-svg', _WATCH_BUSY)
    thumb = page.locator('[data-testid="stSlider"]', has_text=slider_label).locator("input[type=range]")
    timed: list[Move] = []
    skipped: list[int] = []
    for _ in range(moves):
        before = thumb.input_value()
        thumb.focus()
        page.evaluate(_ARM)
        page.keyboard.press(key)
        if thumb.input_value() == before:
            raise RuntimeError(f"the slider did not move from {before}: is it at its end?")
        try:
            page.wait_for_function(_SETTLED, timeout=15_000)
        except PlaywrightTimeout:  # a move whose redraw the probe missed: report, don't guess
            skipped.append(len(timed) + len(skipped))
            page.wait_for_selector(READY)
            continue
        latency = page.evaluate(_AFTER_PAINT)
        page.wait_for_selector(READY)
        page.wait_for_timeout(150)  # a student's pause between moves; late plots land in it
        plots = page.evaluate("() => window.__probe.plots")
        timed.append(Move(latency, page.evaluate(_BUSY_SINCE_PRESS), plots))
    page.close()
    if skipped:
        print(f"  ({len(skipped)} of {moves} moves not timed: no redraw seen within 15 s)")
    return timed
