"""Share and keep, on every demo page: the page's link (copied and shown), and downloads.

One call, :func:`bar`, under a page's chart: a **Copy link** button (a components-v2 element,
``copy_link.js`` beside this file, handed over as text) that puts the page's link on the
clipboard, the same link in a code block for a browser that refuses clipboard access, and, where
the page gives them, **Download as HTML** (:func:`lrviz.app.kit.sheet.to_html`, built only when
clicked: plotly.js makes it ~5 MB) and **Download as Markdown** (:func:`lrviz.app.kit.sheet.to_markdown`).

The link is :func:`link`: the query string :meth:`~lrviz.app.kit.state.PageState.publish` writes,
on the page's own URL (``st.context.url``, absolute as the browser sees it) or, where the browser
has not told the server its address (AppTest), on the page's path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import streamlit as st

from lrviz.i18n import Lang, t

NAME = "lrviz_copy_link"
HTML = ('<div class="lrv-copy-row"><button class="lrv-copy" type="button"></button> '
        '<span class="lrv-said"></span></div>')
CSS = """
.lrv-copy-row { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; min-height: 2.5rem; }
.lrv-copy { font: inherit; padding: .25rem .75rem; border-radius: .5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, .2); background: var(--st-secondary-background-color, #f0f2f6);
  color: var(--st-text-color, #31333f); }
.lrv-copy:hover { border-color: var(--st-primary-color, #ff4b4b); color: var(--st-primary-color, #ff4b4b); }
.lrv-said { font-size: .9rem; } .lrv-ok { color: #177233; } .lrv-no { color: #7d353b; }
"""
COPY = st.components.v2.component(NAME, html=HTML, css=CSS, js=(Path(__file__).with_name("copy_link.js")
                                                                 .read_text(encoding="utf-8")))


def link(path: str, query: Mapping[str, str]) -> str:
    """The page's link with ``query``: absolute on the URL the browser uses, else ``/<path>?…``."""
    base = page_url(st.context.url or "", path, st.get_option("server.baseUrlPath") or "")
    encoded = urlencode(query, quote_via=quote, safe=":,")  # readable on a slide: r1=sgd:0.1, start=-1,1
    return f"{base}?{encoded}" if encoded else base


def page_url(url: str, path: str, base: str = "") -> str:
    """The address of page ``path`` beside ``url``, the address the browser shows, on an app
    served under ``base`` (``server.baseUrlPath``): a page hosted in a lesson
    (``…/lessons?lesson=…``) shares its own page's link, not the lesson list's."""
    parts = urlsplit(url.split("#")[0])
    here, root = parts.path.strip("/"), base.strip("/")
    if here == root:  # the app's root (the home page): the page goes under it
        where = f"/{root}/{path}" if root else f"/{path}"
    else:  # another page: the same folder, this page's name
        folder = here.rpartition("/")[0]
        where = f"/{folder}/{path}" if folder else f"/{path}"
    return f"{parts.scheme}://{parts.netloc}{where}" if parts.netloc else where


def bar(url: str, lang: Lang, key: str, *, markdown: Callable[[], str] | None = None,
        html: Callable[[], str] | None = None) -> None:
    """The Copy link button and the link; with ``markdown`` and ``html`` (each called only on a
    click of its button), the notes and the offline HTML as downloads. ``key`` names the page."""
    st.subheader(t("share.heading", lang), divider="gray")
    row = st.container(horizontal=True, vertical_alignment="center")  # one block, not four columns
    with row:
        words = dict(label=t("share.copy", lang), copied=t("share.copied", lang),
                     failed=t("share.copy_failed", lang))
        COPY(key=f"{key}_copy", data=dict(link=url, **words), height="content", width="content")
    if html is not None:
        row.download_button(t("share.html", lang), html, file_name=f"lrviz-{key}.html",
                                   mime="text/html", key=f"{key}_html", on_click="ignore",
                                   help=t("share.html_help", lang), icon=":material/movie:")
    if markdown is not None:
        row.download_button(t("share.markdown", lang), markdown, file_name=f"lrviz-{key}.md",
                                   mime="text/markdown", key=f"{key}_md", on_click="ignore",
                                   help=t("share.markdown_help", lang), icon=":material/description:")
    st.code(url, language=None, wrap_lines=True)
    st.caption(t("share.link_help", lang))
