"""Opening a page of the app in Streamlit's AppTest, and reading what it drew (shared by the page tests)."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(path: str, *, timeout: float = 60, **query: str) -> AppTest:
    """``path`` (e.g. ``pages/sweep.py``) run through ``app.py`` with ``query`` as its link.

    ``timeout``: seconds for one run; a page's first run compiles its JAX programs.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(path)
    return at.run()


def open_take_home(at: AppTest) -> AppTest:
    """Open every "take this run home" expander on the page and run again (its panel is drawn
    only while open: :func:`lrviz.app.kit.code.section`)."""
    for key in ("pg_code_open", "cmp_code_open"):
        at.session_state[key] = True
    return at.run()


def param(at: AppTest, key: str) -> str:
    """The value the page wrote into its link for ``key``."""
    value = at.query_params[key]
    return value if isinstance(value, str) else value[-1]


def chart_spec(at: AppTest, index: int = 0) -> dict:
    """The figure of the ``index``-th Plotly chart on the page."""
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def open_app(**query: str) -> AppTest:
    """The app's first page (home) with ``query`` as its link."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    """Every text the page wrote: markdown, titles, captions, info and warning boxes."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.warning]
    return "\n".join(str(p) for p in parts)


def is_chart(element) -> bool:
    """Whether ``element`` is the playground's chart."""
    from lrviz.app.playground.chart import NAME

    return element.type == "bidi_component" and element.proto.component_name == NAME


def chart_payload(at: AppTest) -> dict:
    """What the playground's chart component received: request, header and arrays
    (:func:`lrviz.app.playground.chart.payload.decode`)."""
    from lrviz.app.playground.chart import payload

    (element,) = [e for e in at.get("bidi_component") if is_chart(e)]
    return payload.decode(element.proto.bytes)


def chart_row(at: AppTest) -> dict:
    """The chart's row for the rate the page shows (the exact rate's own row, or the slider stop's)."""
    data = chart_payload(at)
    request = data["request"]
    row = request["selected"] if request["selected"] is not None else request["index"]
    return data["header"]["rows"][row]
