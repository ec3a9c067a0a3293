"""The playground's chart, a Streamlit components-v2 element whose rate slider answers in the browser.

Why: dragging the rate was a round trip per move (a rerun, a new figure, plotly.js plotting it
twice: ~430 ms). All 56 stops of the slider together are one :func:`lrviz.engine.runs`, a few
hundred kilobytes as float32, so the browser holds every run the slider can reach and a move is
a redraw (``chart.js``). The server hears of the rate once, on release.

How it is served: ``chart.js`` is handed over as text, and ``pyproject.toml`` declares ``web/``
as the component's asset directory (``[[tool.streamlit.component.components]]``), so Streamlit
serves the ``plotly.min.js`` copied into ``web/`` from the installed ``plotly`` package (at import,
when missing or different; gitignored) from the app's own origin: no CDN, nothing fetched from
elsewhere, and none of this folder's Python (an asset directory serves every file in it).
Streamlit finds the manifest at server start through the installed (editable) ``lrviz``.
Why text, not ``js="chart.js"``: a module given by its path is re-attached as a ``<script>`` on
every data change, and the chart drew only after that script's load event, behind the rest of
the run's messages (20-28 ms later; docs/ARCHITECTURE.md, "What a setting change costs"); text
becomes one ``blob:`` module that later changes reach at once. Without the manifest (AppTest, a
non-installed checkout) plotly.js cannot load, the JS says so with a trigger value, and the page
falls back to ``st.plotly_chart``, as it does when the component cannot be declared at all.

Values back from the browser: ``rate_index`` (state: the stop released on), ``frame`` (state:
the step paused or scrubbed to), ``settings`` (state: the steps, noise and seed released on;
the browser drew their runs already, fetched from ``serve.py``), ``start`` (trigger: a click on
the 2-D map while picking a start) and ``failed`` (trigger: plotly.js did not load).
"""

from __future__ import annotations

import filecmp
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from lrviz.app.playground import state as links
from lrviz.app.playground.chart import payload, runs, serve
from lrviz.app.playground.state import Config

HERE = Path(__file__).parent
WEB = HERE / "web"  # the asset directory: chart.js (handed over as text) and plotly.min.js, nothing else
NAME = "lrviz.playground_chart"  # "<[project] name>.<component name>" of the manifest
OFF = "LRVIZ_CHART"  # =off: do not declare the component (tests of the fallback)
PRELOADER = "lrviz_plotly_preload"  # chart.js with no markup: it only loads plotly.js (:func:`preload`)
PRELOAD = "pg_chart_preload"  # the key it is mounted with, and hidden by

HTML = """
<div class="lrc">
  <label class="lrc-rate-label"><span class="lrc-rate-name"></span> <b class="lrc-rate-value"></b>
    <input class="lrc-rate" type="range" min="0" max="55" step="1" value="0"></label>
  <div class="lrc-line"></div>
  <div class="lrc-failed">The chart's script did not load. / 차트 스크립트를 불러오지 못했습니다.</div>
  <div class="lrc-stage"><div class="lrc-plot"></div><canvas class="lrc-ink"></canvas>
    <div class="lrc-rule"></div><div class="lrc-tip" hidden></div></div>
  <div class="lrc-bar">
    <button class="lrc-play" type="button"></button>
    <select class="lrc-speed"></select>
    <label class="lrc-frame-label"><span></span>
      <input class="lrc-frame" type="range" min="0" max="0" step="1" value="0"></label>
  </div>
  <div class="lrc-settings"></div>
  <div class="lrc-card"><b class="lrc-headline"></b> <span class="lrc-detail"></span></div>
  <div class="lrc-stage"><div class="lrc-overview"></div><div class="lrc-here" hidden></div></div>
  <div class="lrc-legend"></div>
</div>
"""
# The component's CSS is global (isolate_styles=False: plotly.js puts its own CSS into the
# document's head, which a shadow root would not see), so every rule is scoped under .lrc.
CSS = """
.lrc { font-family: var(--st-font, sans-serif); color: var(--st-text-color, #31333f); }
.lrc .lrc-bar, .lrc .lrc-rate-label { display: flex; gap: .75rem; align-items: center; margin: .25rem 0; }
.lrc .lrc-bar { flex-wrap: wrap; }
.lrc .lrc-frame-label { display: flex; flex: 2 1 16rem; gap: .5rem; align-items: center; }
.lrc .lrc-settings { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; align-items: center;
  margin: .25rem 0; }
.lrc .lrc-settings label { display: flex; flex: 1 1 18rem; gap: .5rem; align-items: center; }
.lrc .lrc-settings label span { white-space: nowrap; }
.lrc .lrc-settings label.lrc-number { flex: 0 1 auto; }
.lrc .lrc-settings input[type=number] { width: 7rem; font: inherit; padding: .15rem .4rem; color: inherit;
  border: 1px solid rgba(49, 51, 63, .3); border-radius: .4rem; background: transparent; }
.lrc .lrc-refused { flex-basis: 100%; color: #7d353b; font-size: .9rem; }
.lrc .lrc-settings input:disabled { opacity: .45; }  /* the seed, with no noise to draw */
.lrc input[type=range] { flex: 1; min-width: 6rem; accent-color: var(--st-primary-color, #ff4b4b); }
.lrc .lrc-rate-label { font-size: 1rem; flex-wrap: wrap; }
.lrc .lrc-rate-label input { flex: 1 1 14rem; }  /* under its label on a phone */
.lrc .lrc-rate-value { min-width: 4.5em; font-family: var(--st-code-font, monospace); }
.lrc button, .lrc select { font: inherit; padding: .2rem .6rem; border-radius: .4rem;
  border: 1px solid rgba(49, 51, 63, .3); background: transparent; color: inherit; }
.lrc .lrc-stage { position: relative; }
.lrc .lrc-ink, .lrc .lrc-rule, .lrc .lrc-here, .lrc .lrc-tip { position: absolute; left: 0; top: 0;
  pointer-events: none; }
.lrc .lrc-tip { padding: .15rem .4rem; border-radius: .25rem; font: .8rem/1.3 var(--st-code-font, monospace);
  white-space: pre; background: rgba(255, 255, 255, .92); color: #31333f; border: 1px solid #888; }
.lrc .lrc-rule { font-family: var(--st-code-font, monospace); white-space: pre; line-height: 1.3;
  overflow: hidden; }
.lrc .lrc-here { width: 15px; height: 15px; box-sizing: border-box; border-radius: 50%;
  border: 3px solid var(--st-text-color, #000); transform: translate(-50%, -50%); }
.lrc.lrc-big .lrc-here { width: 22px; height: 22px; border-width: 4px; }
.lrc .lrc-legend { font-size: .85rem; margin: .1rem 0 .5rem 60px; opacity: .85; }  /* under the plot */
.lrc .lrc-key { white-space: nowrap; }
.lrc .lrc-ring-key { display: inline-block; width: .8em; height: .8em; box-sizing: border-box;
  border: 2px solid var(--st-text-color, #000); border-radius: 50%; vertical-align: -.1em; }
.lrc .lrc-line { margin: .25rem 0 .5rem; font-size: .95rem; }
.lrc .lrc-card { padding: .75rem 1rem; border-radius: .5rem; margin: .5rem 0; }
.lrc .lrc-card.success { background: rgba(33, 195, 84, .1); color: #177233; }
.lrc .lrc-card.error { background: rgba(255, 43, 43, .09); color: #7d353b; }
.lrc .lrc-card.info { background: rgba(28, 131, 225, .1); color: #004280; }
.lrc .lrc-card.warning { background: rgba(255, 227, 18, .1); color: #926c05; }
.lrc .lrc-failed { display: none; color: #7d353b; animation: lrc-show 0s 8s forwards; }
.lrc.lrc-live .lrc-failed { display: none !important; }
@keyframes lrc-show { to { display: block; } }
.lrc.lrc-big { font-size: 1.3rem; }
.lrc.lrc-big .lrc-rate-label { font-size: 1.35rem; }
.lrc.lrc-big input[type=range] { height: 1.6rem; }
.lrc.lrc-big .lrc-bar, .lrc.lrc-big .lrc-settings { font-size: 1rem; }  /* the lecturer's controls */
"""


def _copy_plotly() -> None:
    """plotly.min.js next to chart.js: a real copy (Streamlit refuses symlinks out of the folder).
    Where the folder cannot be written (a read-only install), the chart says plotly.js did not load
    and the page draws its plain figure."""
    import plotly

    source, target = Path(plotly.__file__).parent / "package_data" / "plotly.min.js", WEB / "plotly.min.js"
    if not target.exists() or not filecmp.cmp(source, target, shallow=False):
        partial = target.with_suffix(".part")
        try:
            shutil.copyfile(source, partial)
            os.replace(partial, target)
        except OSError:
            partial.unlink(missing_ok=True)


def _declare() -> tuple[Any, Any, str | None]:
    """(the component, its preloader, None) or (None, None, why they could not be declared)."""
    if os.environ.get(OFF) == "off":
        return None, None, "off"
    try:
        # Always: the server imports this before its runtime has read the manifests (app.py's
        # st.App), so whether the asset directory will be served cannot be asked yet. Without the
        # manifest (AppTest, an uninstalled checkout) the copy is there and unused.
        _copy_plotly()
        js = (WEB / "chart.js").read_text(encoding="utf-8")
        return (st.components.v2.component(NAME, js=js, html=HTML, css=CSS, isolate_styles=False),
                st.components.v2.component(PRELOADER, js=js, css=f".st-key-{PRELOAD} {{ display: none; }}",
                                           isolate_styles=False), None)
    except Exception as error:  # any failure here leaves the page its Plotly figure
        return None, None, f"{type(error).__name__}: {error}"


COMPONENT, _PRELOADER, WHY_NOT = _declare()


def data(config: Config, *, narrow: bool, pick_start: bool, errors: bool, request: dict) -> bytes:
    """What the component receives for ``config``: the cached runs and texts, and ``request``,
    with the settings its own controls hold and the query that asks ``serve.py`` for others."""
    key = runs.sweep_key(config)
    cached = runs.payload(key, config.lang, config.big, narrow, pick_start, errors)
    _, exact = payload.rates(key.lr) if key.lr else (None, None)  # its rate as the link holds it
    return payload.with_request(cached, index=request["index"], frame=request["frame"],
                                nonce=request["nonce"], selected=exact, release=request["release"],
                                runs=serve.query(config, narrow=narrow, pick=pick_start, errors=errors),
                                settings={name: getattr(config, name) for name in links.CHART_SETTINGS})


def preload() -> None:
    """Mount chart.js with no markup and no runs, hidden, where the page begins: it starts loading
    plotly.js (4.6 MB; on a first visit here its parse took ~2.5 s after its 0.4 s download) while
    the server still runs the page, and the chart draws as soon as its runs arrive. Drawn in every
    run (an element left out of a run is unmounted)."""
    _PRELOADER(key=PRELOAD, data={"preload": True})


def mount(blob: bytes, *, key: str, on_rate: Callable[[], None], on_frame: Callable[[], None],
          on_settings: Callable[[], None], on_start: Callable[[], None], on_narrow: Callable[[], None],
          on_failed: Callable[[], None]):
    """Draw the component (always, in every run: an element left out of a run loses its state).

    No ``default`` state: Streamlit's frontend sends a component's whole state with each value it
    sets, defaults included, so a default that followed the server's rate (0.525 after ÷ 2, shown
    as its exact row beside the stop 0.5) came back with the next frame sent, as a release on the
    stop 0.5, and the rate snapped to it. The rate and the frame reach the browser in the request."""
    return COMPONENT(key=key, data=blob,
                     on_rate_index_change=on_rate, on_frame_change=on_frame, on_settings_change=on_settings,
                     on_start_change=on_start, on_narrow_change=on_narrow,
                     on_failed_change=on_failed, height="content")
