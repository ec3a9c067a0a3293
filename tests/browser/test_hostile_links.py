"""Every page in a real browser, opened with markup in its link's keys: it shows as text or not at all.

Each page gets one link whose keys carry every payload of :data:`tests.app.hostile.XSS` (an ``<img onerror>``,
a ``<script>``, an ``<svg onload>``, ...; each sets ``window.__xss`` and calls ``alert``), a Markdown link and
bare web addresses. Nothing may run (``window.__xss`` unset, no dialog), no injected element may exist in the
DOM, no link to the payloads' addresses may appear, and the notes show the payloads as text.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.app.hostile import ADDRESSES, LINK_KEYS, XSS
from tests.browser.conftest import wait_ready

pytestmark = pytest.mark.browser

PAGES = {"home": "", "playground": "playground", "compare": "compare", "sweep": "sweep",
         "schedules": "schedules", "finder": "lr-finder", "edge": "edge"}
INJECTED = """() => ({
    img: document.querySelectorAll('img[src="x"]').length,
    handlers: document.querySelectorAll('[onerror], [onload]').length,
    svg: [...document.querySelectorAll('svg')].filter(s => s.outerHTML.includes('__xss')).length,
    scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('__xss')).length,
    links: document.querySelectorAll('a[href*="evil.example"], a[href^="javascript:"]').length,
    xss: window.__xss === undefined ? null : window.__xss,
})"""


def hostile_query(page: str) -> str:
    """Every key of the page with a payload (in turn), a Markdown link, bare addresses, and an unknown key."""
    values = (*XSS, *ADDRESSES)
    query = {key: values[i % len(values)] for i, key in enumerate(LINK_KEYS[page])}
    query["lang"] = XSS[1]  # the sidebar's language note
    query["utm_source"] = XSS[0]
    return urlencode(query)


@pytest.mark.parametrize("name", PAGES)
def test_markup_in_a_link_never_becomes_markup_on_the_page(page, server, name):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server}/{PAGES[name]}?{hostile_query(name)}")
    wait_ready(page, timeout=120_000)
    page.wait_for_selector('[data-testid="stAlert"]')
    page.wait_for_timeout(500)  # an <img onerror> fires once its (failed) load is through
    found = page.evaluate(INJECTED)
    assert found == {"img": 0, "handlers": 0, "svg": 0, "scripts": 0, "links": 0, "xss": None}, found
    assert dialogs == []
    assert page.locator('[data-testid="stException"]').count() == 0
    notes = "\n".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "<img src=x onerror=window.__xss=1" in notes  # the language note: shown as typed, as text
    if name != "home":
        assert "<script>window.__xss=1;alert(1)</script>" in notes, notes
