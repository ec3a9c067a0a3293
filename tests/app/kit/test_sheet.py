"""The offline HTML page and the Markdown notes built from a page's Sheet (lrviz/app/kit/sheet.py)."""

from __future__ import annotations

import re

import pytest
from plotly.offline import get_plotlyjs

from lrviz import engine
from lrviz.app.kit.sheet import Sheet, to_html, to_markdown
from lrviz.app.playground import figures, state, verdict
from lrviz.app.playground import sheet as pg_sheet
from lrviz.i18n import t

LINK = "http://127.0.0.1:8501/playground?surface=quadratic&lr=0.1&lang=en&frame=3"
HOSTILE = Sheet(title="<script>window.__xss=1</script> **bold**",
                settings=(("<b>label</b>", "x**2 + y & <img src=x onerror=1>"),),
                verdict=("a < b & [link](https://evil.example)",),
                link="http://127.0.0.1:8501/compare?r1=sgd:0.1&x=(1)", lang="en")


@pytest.fixture(scope="module", params=["en", "ko"])
def played(request):
    """A short real playground run in ``lang``: its sheet and its animated figure."""
    lang = request.param
    config = state.parse({"surface": "quadratic", "optimizer": "momentum", "lr": "0.1", "steps": "20",
                          "o.momentum": "0.8", "lang": lang})
    surface = state.surface_of(config)
    run = engine.run(surface, **state.run_kwargs(config))
    said = verdict.verdict(run, surface, lang)
    return pg_sheet.sheet(config, said, LINK), figures.build_animation(run, surface, lang=lang)


def test_the_html_page_says_what_the_page_says(played):
    sheet, figure = played
    page = to_html(sheet, [figure])
    assert f"<title>{sheet.title}</title>" in page and f"<h1>{sheet.title}</h1>" in page
    assert f'<html lang="{sheet.lang}">' in page
    for label, value in sheet.settings:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
    assert "momentum = 0.8" in page
    assert all(f"<p>{line}</p>" in page for line in sheet.verdict)
    assert t("share.settings", sheet.lang) in page and t("share.verdict", sheet.lang) in page
    assert LINK.replace("&", "&amp;") in page


def test_the_html_page_plays_offline(played):
    sheet, figure = played
    page = to_html(sheet, [figure])
    assert get_plotlyjs()[:2000] in page  # plotly.js itself, written into the file
    assert page.count("<script") == page.count("</script>")
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)  # nothing fetched: no script by URL
    assert not re.search(r"<link\b|@import|url\(\s*['\"]?https?:", page, re.IGNORECASE)
    assert "Plotly.addFrames" in page and "\"method\":\"animate\"" in page  # the frames and the play button
    frames = figure.to_dict()["frames"]
    assert len(frames) > 5 and all(f'"name":"{f["name"]}"' in page for f in frames)


def test_the_html_page_escapes_every_value():
    page = to_html(HOSTILE, [])
    assert "window.__xss" in page and "<script>window.__xss" not in page
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=x onerror=1&gt;" in page
    assert "<b>label</b>" not in page and "a &lt; b &amp; [link]" in page


def test_the_notes_say_what_the_page_says(played):
    sheet, _ = played
    notes = to_markdown(sheet)
    assert notes.startswith("# ")
    assert sheet.title.split(":")[0] in notes.splitlines()[0]
    for label, _value in sheet.settings:
        assert f"**{label}**" in notes
    assert "momentum = 0.8" in notes
    assert sheet.verdict[0][:10] in notes
    assert f"]({LINK})" in notes and t("share.open", sheet.lang) in notes


def test_the_notes_escape_every_value():
    notes = to_markdown(HOSTILE)
    assert "\\<script\\>" in notes and "<script>" not in notes
    assert "\\*\\*bold\\*\\*" in notes and "x\\*\\*2 + y \\& \\<img" in notes
    assert "\\[link\\]" in notes
    assert notes.rstrip().endswith("(http://127.0.0.1:8501/compare?r1=sgd:0.1&x=%281%29)")
