"""deploy/'s topology without containers: two app processes behind Debian's nginx on loopback,
configured by deploy/nginx.conf itself (only the replicas' addresses, the port and the log paths
are swapped in).

Browser sessions and protocol-level students (bench/hall.py) go through nginx; each stays on one
replica; killing a replica mid-run loses only its own sessions, which reconnect and rebuild their
state from the link, with no exception. (How many students two replicas hold against one is a
bench figure, not a timed test: docs/deploy.md.)

Under CI=true a missing nginx or browser fails; elsewhere the test skips and says why.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

from bench import hall
from tests.browser.conftest import READY

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
LINK = "/playground?surface=quadratic&lr=0.5&steps=60"
pytestmark = pytest.mark.browser


def _missing(reason: str) -> None:
    message = f"{reason}; install Debian's nginx (apt-get install nginx) or run `make test`."
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    if not Path(NGINX).exists():
        _missing("nginx is not installed")
    folder = tmp_path_factory.mktemp("nginx")
    with hall.serve_many(2, folder) as started:
        replicas = {urllib.parse.urlsplit(u).netloc: pid for u, pid in started}
        with hall.balancer(list(replicas), folder, NGINX) as base:
            yield base, replicas


class Loop:
    """An asyncio loop in a thread of its own, running until stopped."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run_until_complete(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=300)

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def routes(base: str, replicas) -> dict[str, str]:
    """A route cookie for each replica: the balancer hashes the cookie, so try a few."""
    found: dict[str, str] = {}
    for _ in range(64):
        student = hall.Student(base)
        student.cookies["lrviz_route"] = uuid.uuid4().hex
        upstream = student.get("/_stcore/health").get("X-Upstream")
        found.setdefault(upstream, student.cookies["lrviz_route"])
        if set(found) >= set(replicas):
            return found
    pytest.fail(f"64 route cookies all went to {set(found)}")


def test_sessions_stick_to_their_replica_and_survive_the_other_ones_death(topology, browser):
    base, replicas = topology
    route = routes(base, replicas)
    (survivor, doomed) = list(replicas)

    # One browser and one protocol-level student on each replica.
    pages = {}
    for upstream in replicas:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_cookies([{"name": "lrviz_route", "value": route[upstream], "url": base}])
        page = context.new_page()
        page.set_default_timeout(120_000)
        served = set()
        page.on("response", lambda r, served=served: served.add(r.headers.get("x-upstream")))
        page.goto(base + LINK)
        page.wait_for_selector(READY)
        pages[upstream] = (page, served)

    async def students():
        out = {}
        for upstream in replicas:
            student = hall.Student(base)
            student.cookies["lrviz_route"] = route[upstream]
            await student.open(LINK)
            await student.chart_settings(steps=90)
            out[upstream] = student
        return out

    loop = Loop()  # Playwright's sync API holds this thread's event loop: the students get their own
    try:
        students_ = loop.run_until_complete(students())
        for upstream, student in students_.items():
            assert {student.upstream, student.ws_upstream} == {upstream}, "a student changed replica"
            assert student.errors == [] and "steps=90" in student.query
        for upstream, (_, served) in pages.items():
            assert served - {None} == {upstream}, f"a browser's requests went to {served}"

        # A replica dies mid-run.
        os.kill(replicas[doomed], 15)
        time.sleep(2)

        # The survivor's sessions go on as if nothing happened.
        kept = students_[survivor]
        run = loop.run_until_complete(kept.set(kept.key("lr_exact"), 0.2))
        assert run.exceptions == 0 and kept.errors == [] and "lr=0.2" in kept.query
        page, _ = pages[survivor]
        assert page.locator('[data-testid="stException"]').count() == 0

        # The dead replica's student lost its connection; it reconnects with its link, as a tab does.
        lost = students_[doomed]
        link = f"/{lost.path}?{lost.query}"
        assert "steps=90" in link
        loop.run_until_complete(asyncio.sleep(0.5))
        assert lost.ws is not None
        lost.errors.clear()
        run = loop.run_until_complete(lost.open(link))
        assert run.exceptions == 0 and lost.errors == []
        # nginx may try the dead replica first and then the survivor: its header lists both.
        assert lost.ws_upstream.split(", ")[-1] == survivor and "steps=90" in lost.query

        # The dead replica's browser reconnects by itself and shows its link's state again.
        page, _ = pages[doomed]
        page.wait_for_function("() => document.querySelector('[data-testid=stApp]')"
                               ".getAttribute('data-test-connection-state') !== 'DISCONNECTED_FOREVER'")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            page.wait_for_timeout(500)
            if page.locator('.lrc-plot[data-ready="1"]').count() and page.locator(READY).count():
                break
        page.wait_for_selector(READY)
        assert page.locator('.lrc-plot[data-ready="1"]').count() >= 1
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "lr=0.5" in page.url and "surface=quadratic" in page.url
        for student in students_.values():
            loop.run_until_complete(student.close())
    finally:
        loop.stop()
        for page, _ in pages.values():
            page.context.close()
