"""Text from a link, shown inside a Markdown sentence exactly as it was typed."""

from __future__ import annotations

import re
import unicodedata

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
