"""Hostile links, shared by the link-parser properties, the AppTest pages and the browser test.

A link is whatever a student pastes: every page's ``parse`` must read any query string without
raising, keep only values it can use and leave a note for every value it refused, and no value
from a link may ever reach the page as HTML or Markdown markup.
"""

from __future__ import annotations

from lrviz import optimizers, schedules, surfaces
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
MARKDOWN = ("**bold** _it_ [link](https://example.com)", "$x^2$ `code` ~~del~~", "# Heading", "![i](x)")
HOSTILE = (
    "", " ", "NaN", "nan", "-nan", "inf", "-inf", "Infinity", "-0", "-0.0", "+0", "0", "1e999", "-1e999",
    "1e308", "1e-400", "9" * 400, "0x10", "1_000", " 1 ", "１", "١٢", "💥", "한국어", "\x00", "%00", "\u202e",
    "' OR 1=1 --", "{}", "{value}", "%s", "\\", "None", "true", ",,,", "1,2,3", ":", "sgd:", "sgd:nan:x",
    "a" * 10_000, "1" * 10_000, *XSS, *MARKDOWN,
)

OPTIMIZER_PARAMS = sorted({p.name for s in optimizers.OPTIMIZERS.values() for p in s.params})
SCHEDULE_PARAMS = sorted({p.name for s in schedules.SCHEDULES.values() for p in s.params})
PARAM_KEYS = (*(f"o.{n}" for n in OPTIMIZER_PARAMS), *(f"s.{n}" for n in SCHEDULE_PARAMS))
ROW_KEYS = ("r1", "r2", "r6", "r7", "r01", "r999999", "r1.o.momentum", "r1.o.betas", "r2.s.T_max",
            "r1.s.max_lr", "r.1", "r-1")

_PLAYGROUND = ("surface", "formula", "dim", "optimizer", "lr", "schedule", "steps", "start", "noise", "clip",
               "seed", "view", "mode", "big", "lang")
# Each page's own link keys (state.py's docstring), then keys of the other pages it must ignore.
KEYS = {
    "playground": _PLAYGROUND,
    "compare": ("surface", "steps", "start", "layout", "big", "lang", *ROW_KEYS),
    "sweep": ("surface", "formula", "dim", "schedule", "steps", "start", "big", "lang", "lr", "optimizers",
              "n", "lo", "hi", "phase"),
    "schedules": ("open", "lr", "steps", "surface", "optimizer", "overlay", "big", "lang"),
    "finder": ("data", "width", "depth", "optimizer", "batch", "lr_min", "lr_max", "batches", "seeds",
               "steps", "rates", "schedule", "view", "check", "search", "general", "big", "lang"),
}
OTHER_KEYS = ("utm_source", "embed", "", " ", "o.", "s.", "o.o.momentum", "<script>", "lang ", "LR")

# Values a key can really take, so that random links mix good values with bad ones.
GOOD = (
    *surfaces.SURFACES, "custom", *optimizers.OPTIMIZERS, *schedules.SCHEDULES, *ENTRIES, *datasets.DATASETS,
    "en", "ko", "map", "3d", "animate", "scrub", "overlay", "multiples", "loss", "distance", "range", "check",
    "1", "0", "2", "0.1", "0.5", "0.9", "3", "10", "64", "300", "500", "1e-3", "0.1234567", "1.23456789e-4",
    "0.99999999", "x^2", "x**2 + y**2", "sin(x) * x", "-1,1", "0.5,0.5", "sgd,adam", "sgd:0.1",
    "adam:0.3:cosine", "step,cosine", "none", "0.9,0.99",
)
