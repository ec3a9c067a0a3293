"""The chart's runs over HTTP: how its run controls answer without a rerun.

A student who moves the chart's steps, noise or seed (``state.CHART_SETTINGS``) asks the server
for the new runs, as the rate slider never needs to:
``GET _lrviz/runs?<the playground's link query>&narrow=1&pick=1&errors=1``
(each flag only when set) answers the cached part of the chart's payload (``payload.py``), the
bytes the fragment would send for the same settings, from the same memo (``runs.py``). The
browser draws them at once and reports the new settings on release, like the rate, so the link,
the code and the share row follow with the one rerun that comes after the paint.

The query is read as a link is (``state.parse``): a value a link could not hold is refused
(400), never clamped into a run the browser did not ask for. Any replica answers: the query
carries everything, no session is read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from lrviz.app.playground import state as links
from lrviz.app.playground.chart import runs
from lrviz.app.playground.state import Config

PATH = "/_lrviz/runs"
FLAGS = ("narrow", "pick", "errors")  # the look of the payload: phone, picking a start, no critical rate
MAX_QUERY = 4000  # characters: a formula (300) and every parameter fit many times over
# Sweeps the route runs at once, per server: more queue (a hall's drags, or a stranger's loop of
# requests, cannot take every thread; the fragments' runs share the cores too).
AT_ONCE = 2
_at_once: asyncio.Semaphore | None = None  # made in the server's event loop, at its first request


def query(config: Config, *, narrow: bool, pick: bool, errors: bool) -> str:
    """The query that asks for ``config``'s runs at other settings of the chart's own: its link's,
    without them (the browser adds them) and the step shown, with the payload's look."""
    left_out = (*links.CHART_SETTINGS, "frame")
    fields = {k: v for k, v in links.to_query(config).items() if k not in left_out}
    flags = {name: "1" for name, on in zip(FLAGS, (narrow, pick, errors), strict=True) if on}
    return urlencode({**fields, **flags})


def answer(query: Mapping[str, str]) -> bytes | None:
    """The payload's cached part for a query, or None for a query the chart does not send."""
    query = dict(query)
    flags = {name: query.pop(name, "") == "1" for name in FLAGS}
    config = links.parse(query)
    if config.notes:
        return None
    return runs.payload(runs.sweep_key(config), config.lang, config.big, flags["narrow"], flags["pick"],
                        flags["errors"])


async def _runs(request: Request) -> Response:
    global _at_once
    _at_once = _at_once or asyncio.Semaphore(AT_ONCE)
    body = None
    if len(request.url.query) <= MAX_QUERY:
        async with _at_once:
            body = await run_in_threadpool(answer, request.query_params)  # a sweep: off the event loop
    if body is None:
        return PlainTextResponse("not a playground run", status_code=400)
    return Response(body, media_type="application/octet-stream", headers={"Cache-Control": "no-store"})


def routes() -> list[Route]:
    """The route, under the app's ``server.baseUrlPath`` (read when the server imports ``app.py``,
    its options loaded): chart.js asks for it beside the page's own address."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return [Route(f"/{base}{PATH}" if base else PATH, _runs, methods=["GET"])]
