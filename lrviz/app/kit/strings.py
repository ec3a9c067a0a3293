"""Page-level strings in English and Korean, from ``assets/locales/<lang>/*.toml``.

The core's own display texts (names of schedules, optimizers, surfaces) sit
next to their code as :class:`lrviz.i18n.Text`; the sentences that pages and
figures show live in the locale files: one folder per language, one file per
area of the app (``app.toml``, ``playground.toml``, ...), merged into one flat
table with the same keys in every language (a test keeps them in step). Two
files that define the same key are an error, not a silent override.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from pathlib import Path

from lrviz.i18n import LANGS

LOCALES = Path(__file__).resolve().parents[3] / "assets" / "locales"


@functools.cache
def table(lang: str) -> dict[str, str]:
    """Every string of ``lang`` (English for an unknown language), keyed by dotted name."""
    code = lang if lang in LANGS else "en"
    merged: dict[str, str] = {}
    for path in sorted((LOCALES / code).glob("*.toml")):
        with open(path, "rb") as fh:
            flat = _flatten(tomllib.load(fh))
        if clash := merged.keys() & flat.keys():
            raise ValueError(f"{path.name} redefines {sorted(clash)} in the {code} locale")
        merged.update(flat)
    return merged


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    text = table(lang).get(key) or table("en")[key]
    return text.format(**values) if values else text


_MARKS = re.compile(r"([\\`*_\[\]|~<>$&#!])")  # Markdown and LaTeX marks that act mid-sentence
# Streamlit's Markdown links bare addresses (https://…, www.…, name@host) after reading the escapes:
# a word joiner (invisible) after "https", "www" or "@" keeps each one text.
_ADDRESSES = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?<=@)")
_JOINER = "\u2060"
_REPLACEMENT = "\ufffd"  # shown for a character that would break the sentence (a newline, a bidi override)


def literal(text: str) -> str:
    """``text`` (a value from a link) shown as typed inside a Markdown sentence: its marks escaped
    (``__import__`` is not bold, ``<img>`` no tag, ``$x$`` no formula, ``https://…`` no link), and each
    control or format character (a newline would start a heading or a list) shown as U+FFFD."""
    text = "".join(_REPLACEMENT if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    return _ADDRESSES.sub(_JOINER, _MARKS.sub(r"\\\1", text))
