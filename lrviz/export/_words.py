"""The comments of exported code, in the student's language: :func:`say` and :func:`comment`.

The words sit in the locale files under ``code.`` (``assets/locales/<lang>/code.toml``), read by
:func:`lrviz.i18n.t` like every other string; ``tests/test_i18n.py`` keeps the languages' keys and
placeholders in step, ``tests/export/test_words.py`` their comment lines. Code itself (names,
calls, numbers) is never translated. The optimizers' own notes are Keys on their specs
(``code.note.*``, :mod:`lrviz.optimizers._code`).
"""

from __future__ import annotations

from lrviz.i18n import t

__all__ = ["PREFIX", "comment", "say"]

PREFIX = "code."  # the locale keys of the export's words: code.<key>


def say(key: str, lang: str, **fields: object) -> str:
    """The words ``code.<key>`` in ``lang`` (English for another language), placeholders filled."""
    return t(PREFIX + key, lang, **fields)


def comment(key: str, lang: str, indent: str = "", **fields: object) -> list[str]:
    """The words ``key`` as comment lines (``# ...``), one per line of the text."""
    return [f"{indent}# {line}" for line in say(key, lang, **fields).split("\n")]
