"""Does the protocol-level student see what a browser sees? ``python -m bench hall_browser``.

A few Chromium sessions (Debian's, at /usr/bin/chromium) and as many protocol-level students
(:mod:`bench.hall`) make the same actions on the same server: open the link, move the rate one
step on the chart's slider (the student types a stop into the exact-rate box: the same fragment
rerun), move the steps one step, switch page. The browser's own websocket frames are
decoded with the same protobufs, so for each action both sides are counted the same way: script
runs the server finished, and elements it sent, by type.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import time
from collections import Counter

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import hall

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ACTIONS = ("page load", "rate release", "setting change", "page switch")


class Wire:
    """What a browser tab received on its websocket since the last :meth:`take`."""

    def __init__(self, page):
        self.runs, self.elements, self.cache = 0, Counter(), {}
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":  # an element the browser has cached: count it as what it refers to
            msg = self.cache.get(msg.ref_hash, msg)
            kind = msg.WhichOneof("type")
        elif msg.metadata.cacheable:
            self.cache[msg.hash] = msg
        if kind == "script_finished" and msg.script_finished in hall._DONE:
            self.runs += 1
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self.elements[msg.delta.new_element.WhichOneof("type")] += 1

    def take(self) -> tuple[int, Counter]:
        out = (self.runs, self.elements)
        self.runs, self.elements = 0, Counter()
        return out


def _settle(page, wire: Wire, runs: int = 1, seconds: float = 90) -> None:
    """Wait until the server has finished ``runs`` runs for this action and the page is idle."""
    deadline = time.monotonic() + seconds
    while wire.runs < runs and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.wait_for_selector(READY, timeout=seconds * 1000)
    page.wait_for_timeout(300)  # any trailing message


def browser_actions(browser, base: str, link: str) -> dict[str, tuple[int, Counter]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)  # a shared, busy machine
    wire = Wire(page)
    out = {}
    try:
        page.goto(base + link)
        _settle(page, wire)
        out["page load"] = wire.take()
        # The rate slider lives in the chart (a components-v2 element): a key press moves it in the
        # browser and the chart sends the stop once, after a short pause (a release).
        page.locator(".lrc-rate").focus()
        page.keyboard.press("ArrowLeft")
        _settle(page, wire)
        out["rate release"] = wire.take()
        # The steps live in the chart too: their runs are fetched over HTTP, then released.
        page.locator(".lrc-steps").focus()
        page.keyboard.press("ArrowRight")
        _settle(page, wire)
        out["setting change"] = wire.take()
        page.locator('[data-testid="stSidebarNav"] a[href$="/compare"]').click()
        _settle(page, wire)
        out["page switch"] = wire.take()
        out["exceptions"] = (page.locator('[data-testid="stException"]').count(), Counter())
    finally:
        context.close()
    return out


async def protocol_actions(base: str, link: str) -> dict[str, tuple[int, Counter]]:
    student = hall.Student(base)
    out = {}
    try:
        run = await student.open(link)
        out["page load"] = (run.runs, run.elements)
        run = await hall.rate_release(student, random.Random(0))
        out["rate release"] = (run.runs, run.elements)
        run = await student.chart_settings(steps=110)  # the link says 100
        out["setting change"] = (run.runs, run.elements)
        run = await student.switch("compare")
        out["page switch"] = (run.runs, run.elements)
        out["exceptions"] = (len(student.errors), Counter())
    finally:
        await student.close()
    return out


def compare(base: str, link: str = hall.PAGE, sessions: int = 2) -> list[tuple[str, tuple, tuple]]:
    """(action, browser's (runs, elements), protocol student's) for ``sessions`` pairs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:  # its own event loop: the students run after it
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            seen = [browser_actions(browser, base, link) for _ in range(sessions)]
        finally:
            browser.close()
    sent = [asyncio.run(protocol_actions(base, link)) for _ in range(sessions)]
    return [(action, b[action], s[action]) for b, s in zip(seen, sent, strict=True)
            for action in (*ACTIONS, "exceptions")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench hall_browser", description=__doc__)
    parser.add_argument("--url", help="a running server on loopback instead of starting one")
    parser.add_argument("--page", default=hall.PAGE)
    parser.add_argument("--sessions", type=int, default=2)
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        base = args.url.rstrip("/") if args.url else stack.enter_context(hall.serve())[0]
        rows = compare(base, args.page, args.sessions)
    print(f"{'action':<16}{'browser runs':>13}{'student runs':>13}  elements (browser | student)")
    same = True
    for action, (b_runs, b_el), (s_runs, s_el) in rows:
        match = b_runs == s_runs and b_el == s_el
        same &= match
        print(f"{action:<16}{b_runs:>13}{s_runs:>13}  {sum(b_el.values())} | {sum(s_el.values())}"
              f"{'' if match else '  DIFFERENT: ' + str(b_el - s_el) + ' / ' + str(s_el - b_el)}")
    print("the protocol-level student sees what the browser sees" if same else "they differ (see above)")


if __name__ == "__main__":
    main()
