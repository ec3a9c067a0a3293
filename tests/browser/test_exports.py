"""The playground's links and exports in a real browser: the Copy link button puts the page's link
(with its state) on the clipboard and shows it; the HTML download plays offline, from the disk,
in a browser that may reach nothing else."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from lrviz.i18n import t
from tests.browser.conftest import SHOTS, screenshot, wait_ready

pytestmark = pytest.mark.browser

QUERY = "surface=bowl&optimizer=momentum&lr=0.05&steps=60&frame=7&lang=en"


def test_copy_link_and_the_offline_html(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"{server}/playground?{QUERY}")
        wait_ready(page)

        # Copy link: the link on the clipboard is the page's own, absolute, with its state; it is shown too.
        page.get_by_role("button", name=t("share.copy", "en"), exact=True).click()
        page.get_by_text(t("share.copied", "en")).wait_for(timeout=10_000)
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith(f"{server}/playground?")
        assert {"surface": "bowl", "optimizer": "momentum", "lr": "0.05", "frame": "7"}.items() <= dict(
            parse_qsl(urlsplit(copied).query)).items()
        shown = page.locator('[data-testid="stCode"]', has_text=copied)
        shown.first.wait_for(timeout=10_000)  # the share row may still be redrawing (a CI run missed it once)
        assert shown.count() == 1

        # The take-home panel is drawn when opened: the run's PyTorch script, with its rate.
        page.get_by_text(t("export.title", "en")).click()
        script = page.locator('[data-testid="stCode"]', has_text="torch.optim.SGD")
        script.first.wait_for(timeout=15_000)
        assert "lr=0.05" in script.first.inner_text() and "momentum=" in script.first.inner_text()

        # Download as HTML: one file, opened from the disk in a new browser that may fetch nothing.
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name=t("share.html", "en")).click()
        saved = tmp_path / "lrviz-playground.html"
        download.value.save_as(saved)
    finally:
        context.close()

    offline = browser.new_context(viewport={"width": 1400, "height": 1100}, offline=True)
    try:
        asked: list[str] = []
        offline.route(lambda url: not url.startswith("file:"),
                      lambda route: (asked.append(route.request.url), route.abort()))
        page = offline.new_page()
        page.goto(saved.as_uri())
        page.locator(".main-svg").first.wait_for(timeout=15_000)
        play = page.locator(".updatemenu-button", has_text=t("figure.play", "en"))
        assert play.count() == 1
        assert page.locator("h1").inner_text() == t("pg.title", "en")
        assert "0.05" in page.locator("dl").inner_text()  # the settings above the chart
        step = "document.querySelector('.slider-container text.slider-label')"  # "step 0": its current value
        before = page.evaluate(f"{step}.textContent")
        play.click()  # plotly.js plays the frames written into the file
        page.wait_for_function(f"b => {step}.textContent !== b", arg=before, timeout=10_000)
        assert asked == []  # nothing was even asked for beyond the file
        SHOTS.mkdir(exist_ok=True)
        screenshot(page, "exports_offline_html")
    finally:
        offline.close()
