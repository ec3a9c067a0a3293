"""Hostile links, shared by the link-parser properties, the AppTest pages and the browser test.

A link is whatever a student pastes: every page's ``parse`` must read any query string without
raising, keep only values it can use and leave a note for every value it refused, and no value
from a link may ever reach the page as HTML or Markdown markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from google.protobuf.json_format import MessageToDict

from lrviz import optimizers, schedules, surfaces
from lrviz.app.kit import link as declared_link
from lrviz.app.kit.query import QueryReader
from lrviz.app.schedules.guide import ENTRIES
from lrviz.nn import datasets

# Markup that would run or show as something other than text if a page rendered it (window.__xss is
# what the browser test watches for; alert() would open a dialog).
XSS = (
    "<script>window.__xss=1;alert(1)</script>",
    "<img src=x onerror=window.__xss=1;alert(1)>",
    '"><img src=x onerror=window.__xss=1>',
    "<svg onload=window.__xss=1>",
    "javascript:window.__xss=1",
)
MARKDOWN = ("**bold** _it_ [link](https://example.com)", "$x^2$ `code` ~~del~~", "x\n# Heading\n- item",
            "![i](x)")
# Addresses that GitHub Markdown would turn into links by themselves, and one inside a Markdown link.
ADDRESSES = ("https://evil.example/bare", "www.evil.example", "user@evil.example", "[click](https://evil.example/md)")
HOSTILE = (
    "", " ", "NaN", "nan", "-nan", "inf", "-inf", "Infinity", "-0", "-0.0", "+0", "0", "1e999", "-1e999",
    "1e308", "1e-400", "9" * 400, "0x10", "1_000", " 1 ", "１", "١٢", "💥", "한국어", "\x00", "%00", "\u202e",
    "' OR 1=1 --", "{}", "{value}", "%s", "\\", "None", "true", ",,,", "1,2,3", ":", "sgd:", "sgd:nan:x",
    "a" * 10_000, "1" * 10_000, *XSS, *MARKDOWN, *ADDRESSES,
)

OPTIMIZER_PARAMS = sorted({p.name for s in optimizers.OPTIMIZERS.values() for p in s.params})
SCHEDULE_PARAMS = sorted({p.name for s in schedules.SCHEDULES.values() for p in s.params})
PARAM_KEYS = (*(f"o.{n}" for n in OPTIMIZER_PARAMS), *(f"s.{n}" for n in SCHEDULE_PARAMS))
ROW_KEYS = ("r1", "r2", "r6", "r7", "r01", "r999999", "r1.o.momentum", "r1.o.betas", "r2.s.T_max",
            "r1.s.max_lr", "r.1", "r-1")

_PLAYGROUND = ("surface", "formula", "dim", "optimizer", "lr", "schedule", "steps", "start", "noise", "clip",
               "seed", "view", "frame", "big", "lang")
# Each page's own link keys (state.py's docstring), then keys of the other pages it must ignore.
KEYS = {
    "playground": _PLAYGROUND,
    "compare": ("surface", "steps", "start", "layout", "big", "lang", *ROW_KEYS),
    "sweep": ("surface", "formula", "dim", "schedule", "steps", "start", "big", "lang", "lr", "optimizers",
              "n", "lo", "hi", "phase"),
    "schedules": ("open", "lr", "steps", "surface", "optimizer", "overlay", "big", "lang"),
    "finder": ("data", "width", "depth", "optimizer", "batch", "lr_min", "lr_max", "batches", "seeds",
               "steps", "rates", "schedule", "view", "check", "search", "general", "big", "lang"),
    "edge": ("view", "lrs", "steps", "adam_lrs", "beta1", "adam_steps", "lo", "hi", "runs", "peaks",
             "lengths", "decay", "big", "lang"),
}
OTHER_KEYS = ("utm_source", "embed", "", " ", "o.", "s.", "o.o.momentum", "<script>", "lang ", "LR")

# Values a key can really take, so that random links mix good values with bad ones.
GOOD = (
    *surfaces.SURFACES, "custom", *optimizers.OPTIMIZERS, *schedules.SCHEDULES, *ENTRIES, *datasets.DATASETS,
    "en", "ko", "map", "3d", "animate", "scrub", "overlay", "multiples", "loss", "distance", "range", "check",
    "eos", "catapult", "warmup", "0.3,0.4", "0,100",
    "1", "0", "2", "0.1", "0.5", "0.9", "3", "10", "64", "300", "500", "1e-3", "0.1234567", "1.23456789e-4",
    "0.99999999", "x^2", "x**2 + y**2", "sin(x) * x", "-1,1", "0.5,0.5", "sgd,adam", "sgd:0.1",
    "adam:0.3:cosine", "step,cosine", "none", "0.9,0.99",
)


# ---------------------------------------------------------------- hostile links through the pages (AppTest)

PATHS = {"home": "pages/home.py", "playground": "pages/playground.py", "compare": "pages/compare.py",
         "sweep": "pages/sweep.py", "schedules": "pages/schedules.py", "finder": "pages/lr-finder.py",
         "edge": "pages/edge.py"}
PREFIXES = {"playground": "pg_", "compare": "cmp_", "sweep": "sw_", "schedules": "sc_", "finder": "lf_",
            "edge": "eg_"}
# Keys a link gives with hostile values (each page's own, then ones it must ignore or read by hand).
LINK_KEYS = {
    **KEYS, "home": ("lang",),
    "playground": (*KEYS["playground"], "o.momentum", "o.betas", "s.gamma", "s.max_lr"),
    "sweep": (*KEYS["sweep"], "o.momentum", "s.T_max", "optimizer"),
    "schedules": (*KEYS["schedules"], "s.T_max", "s.eta_min", "o.momentum"),
    "finder": (*KEYS["finder"], "o.momentum", "s.T_max"),
}
# A link whose hostile keys matter: the optimizer and schedule that read o.momentum and s.<name>.
CONTEXT = {"playground": {"optimizer": "momentum", "schedule": "cyclic"},
           "sweep": {"optimizers": "momentum,adam"}, "finder": {"optimizer": "momentum"},
           "compare": {"r1": "momentum:0.003", "r2": "adam:0.3:cosine"}}
SAFE = tuple(v for v in HOSTILE if v not in ("true", "1_000"))  # values some key takes: only more work
LINKS = 30


def interacts(index: int) -> bool:
    """Whether the page test of link ``index`` also changes a widget afterwards: the markup links and
    every third one after them (each AppTest run costs a second or so; the suite stays fast)."""
    return index < len(XSS) or index % 3 == 0


def hostile_links(page: str, n: int = LINKS) -> list[dict[str, str | list[str]]]:
    """``n`` links for ``page``, each with several hostile keys: the first ones markup in every key, then
    the corpus in turn (values that some key would take, like ``true`` or ``1_000``, are left out: they
    only make a page compute more), some keys given twice (the last counts), some unknown keys."""
    keys = LINK_KEYS[page]
    links: list[dict[str, str | list[str]]] = []
    for i in range(n):
        if i < len(XSS):
            link: dict[str, str | list[str]] = {key: XSS[i] for key in keys}
        else:
            link = dict(CONTEXT.get(page, {}))
            for j in range(5):
                link[keys[(5 * i + j) % len(keys)]] = SAFE[(7 * i + 3 * j) % len(SAFE)]
            if i % 3 == 0:  # a repeated key, as a pasted link may hold it: the last value counts
                key = keys[i % len(keys)]
                link[key] = [XSS[i % len(XSS)], MARKDOWN[i % len(MARKDOWN)]]
            if i % 4 == 0:
                link["utm_source"] = XSS[i % len(XSS)]
                link[MARKDOWN[i % len(MARKDOWN)]] = "1"
        links.append(link)
    return links


def edge_links(page: str) -> list[dict[str, str]]:
    """Every numeric field of the page's link at the low end of what the link accepts, then at the high
    end (the ends as the link's own notes state them): a value the link keeps must be one the page's
    widgets can show. The finder's high end trains the largest network on every seed: left out."""
    if page == "home":
        return []
    config_type = type(parser(page)({}))
    ends: list[dict[str, str]] = [{}, {}]
    for name, spec in declared_link.declared(config_type):
        key = spec.key or name
        reader = QueryReader({key: "\x00"})
        spec.read(reader, key, None)
        if reader.notes and (span := re.fullmatch(r"(.+)–(.+)", reader.notes[0].allowed)):
            ends[0][key], ends[1][key] = span.groups()
    if page == "sweep":  # the playground's keys it shares
        for shared, end in zip(edge_links("playground"), ends, strict=True):
            end.update({k: v for k, v in shared.items() if k in ("lr", "steps")})
    return ends[:1] if page == "finder" else ends


def as_read(link: Mapping[str, str | list[str]]) -> dict[str, str]:
    """The link as ``st.query_params`` gives it to a page: the last value of a repeated key."""
    return {k: v[-1] if isinstance(v, list) else v for k, v in link.items()}


# Markup that a page must never pass on unescaped: an HTML tag, Markdown emphasis, links, images, maths.
UNESCAPED = re.compile(r"(?<!\\)<\s*/?\s*(script|img|svg)\b|(?<!\\)\*\*bold|(?<!\\)\[link\]|(?<!\\)!\[i\]"
                       r"|(?<!\\)\$x\^2|(?<!\\)~~del|(?<!\\)`code|\n# Heading"
                       r"|https?://evil|www\.evil|(?<!\\)@evil", re.IGNORECASE)


# A components-v2 element carries its own code (the playground's chart.js, its HTML and CSS: ours,
# not the link's); the link's values reach it only inside its data.
_OWN_CODE = frozenset({"jsContent", "htmlContent", "cssContent"})


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _OWN_CODE:
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _elements(node: Any) -> Iterator[Any]:
    children = getattr(node, "children", None)
    if children is not None:
        for child in children.values():
            yield from _elements(child)
    else:
        yield node


def rendered_strings(at: Any) -> Iterator[str]:
    """Every string of every element the page drew (bodies, labels, help, chart specs, HTML)."""
    for element in _elements(at._tree):
        proto = getattr(element, "proto", None)
        if proto is not None:
            yield from _strings(MessageToDict(proto))


def parser(page: str) -> Any:
    """The parse the page really calls (the schedules page's moves the rate onto its slider)."""
    from lrviz.app.compare import state as compare
    from lrviz.app.edge import state as edge
    from lrviz.app.finder import state as finder
    from lrviz.app.playground import state as playground
    from lrviz.app.schedules import ui as schedules
    from lrviz.app.sweep import state as sweep

    return {"playground": playground.parse, "compare": compare.parse, "sweep": sweep.parse,
            "schedules": schedules._parse, "finder": finder.parse, "edge": edge.parse}[page]


def survives(page: str, link: Mapping[str, str | list[str]], *, interact: bool = True) -> None:
    """``page`` opened with ``link``: no exception, a warning per refused value, no markup from the link
    anywhere on the page, and (``interact``) one more interaction, presentation mode on, still runs clean."""
    from tests.apptest import open_page

    at = open_page(PATHS[page], timeout=120, **link)
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.warning]  # the sidebar's too
    read = as_read(link)
    if page != "home":  # the language is read (and noted) by app.py's switch before the page reads its link
        for note in parser(page)({**read, "lang": "en"}).notes:
            assert any(f"“{note.key}”" in w for w in warnings), (note, warnings)
    if "lang" in read and read["lang"] not in ("en", "ko", ""):
        assert any("Unknown language" in w for w in warnings), warnings
    for text in rendered_strings(at):
        assert not UNESCAPED.search(text), text[:300]
    if interact and page in PREFIXES:
        at.toggle(key=f"{PREFIXES[page]}big").set_value(True).run()
        assert not at.exception, [e.value for e in at.exception]
        big = at.query_params.get("big")
        assert (big[-1] if isinstance(big, list) else big) == "1"
