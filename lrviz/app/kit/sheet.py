"""A page as files to keep: one standalone HTML page that plays its chart, and notes in Markdown.

Both are built from a :class:`Sheet`, what a page says about what it shows: its title, its
settings as (label, value) pairs, its verdict or result as lines, and its link. Each page writes
its own sheet (``<page>/sheet.py``); the two builders here are shared and pure (no streamlit).

The HTML file needs no server and no network: plotly.js (from the installed ``plotly`` package) is
written into it, the figures follow as JSON with their frames and play buttons, and the page's
words come first, escaped. A lecturer can open it from a USB stick.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from lrviz.app.kit.markdown import literal
from lrviz.i18n import Lang, t


@dataclass(frozen=True)
class Sheet:
    """What a page shows, in words: ``settings`` are (label, value) pairs, ``verdict`` whole
    sentences; ``link`` reopens the page as it is (absolute where the host is known)."""

    title: str
    settings: tuple[tuple[str, str], ...]
    verdict: tuple[str, ...]
    link: str
    lang: Lang


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans KR", sans-serif; margin: 1.5rem auto;
  max-width: 1400px; padding: 0 1rem; color: #31333f; line-height: 1.5; word-break: keep-all; }
h1 { font-size: 1.6rem; margin: 0 0 .75rem; }
h2 { font-size: 1.1rem; margin: 1rem 0 .25rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { font-weight: 600; } dd { margin: 0; }
.verdict p { margin: .25rem 0; }
code { overflow-wrap: anywhere; }
.figure { margin: 1rem 0; }
footer { color: #6b6d76; font-size: .85rem; margin-top: 1rem; }
"""


def _figure_div(figure: go.Figure, index: int) -> str:
    """One figure as a ``<div>`` and the script that plots it (plotly.js is in the head, once)."""
    return pio.to_html(figure, include_plotlyjs=False, full_html=False, auto_play=False,
                       div_id=f"lrviz-figure-{index}", config={"displaylogo": False, "responsive": True})


def _inline_script(source: str) -> str:
    """A script's text as it may sit between ``<script>`` tags."""
    return re.sub(r"</(script)", r"<\\/\1", source, flags=re.IGNORECASE)


def to_html(sheet: Sheet, figures: Sequence[go.Figure]) -> str:
    """One standalone HTML file: the title, settings and verdict above ``figures`` (played by
    plotly.js written into the file), and the link back to the page. Every text is escaped."""
    e = html.escape
    lang = sheet.lang
    settings = "".join(f"<dt>{e(label)}</dt><dd>{e(value)}</dd>" for label, value in sheet.settings)
    verdict = "".join(f"<p>{e(line)}</p>" for line in sheet.verdict)
    charts = "".join(f'<div class="figure">{_figure_div(f, i)}</div>' for i, f in enumerate(figures))
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(sheet.title)}</title>\n<style>{_CSS}</style>\n"
        f'<script type="text/javascript">{_inline_script(get_plotlyjs())}</script>\n</head>\n<body>\n'
        f"<h1>{e(sheet.title)}</h1>\n"
        f'<section class="settings"><h2>{e(t("share.settings", lang))}</h2><dl>{settings}</dl></section>\n'
        f'<section class="verdict"><h2>{e(t("share.verdict", lang))}</h2>{verdict}</section>\n'
        f"{charts}\n"
        f'<footer>{e(t("share.html_footer", lang))} <code>{e(sheet.link)}</code></footer>\n'
        "</body>\n</html>\n"
    )


def _link_target(link: str) -> str:
    """The link as a Markdown link's target: nothing in it may close the target early."""
    for mark, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        link = link.replace(mark, code)
    return link


def to_markdown(sheet: Sheet) -> str:
    """Notes for a course page: the title, the settings, the verdict and the link, every value
    escaped (a formula's ``*`` is no emphasis)."""
    lang = sheet.lang
    lines = [f"# {literal(sheet.title)}", "", f"## {literal(t('share.settings', lang))}", ""]
    lines += [f"- **{literal(label)}**: {literal(value)}" for label, value in sheet.settings]
    lines += ["", f"## {literal(t('share.verdict', lang))}", ""]
    for line in sheet.verdict:
        lines += [literal(line), ""]
    lines += [f"[{literal(t('share.open', lang))}]({_link_target(sheet.link)})", ""]
    return "\n".join(lines)
