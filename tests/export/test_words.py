"""The words of exported code: every key the export says exists, and each text is whole comment lines.

``tests/test_i18n.py`` keeps the locale files' keys and placeholders in step; here, the comment
lines: a text has as many lines in Korean as in English, and every ``say`` / ``comment`` key
that the export names is in the locale files (and every ``code.`` word is used).
"""

import re
from pathlib import Path

import pytest

import lrviz.export
from lrviz.export._words import PREFIX, comment
from lrviz.i18n import table

WORDS = sorted(k for k in table("en") if k.startswith(PREFIX))
SOURCE = "\n".join(p.read_text() for p in Path(lrviz.export.__file__).parent.glob("*.py"))


@pytest.mark.parametrize("key", WORDS)
def test_both_languages_write_the_same_comment_lines(key):
    assert table("en")[key].count("\n") == table("ko")[key].count("\n"), key
    assert re.search("[\uac00-\ud7a3]", table("ko")[key]), key


def test_every_word_the_export_says_exists_and_every_word_is_said():
    said = set(re.findall(r"""\b(?:say|comment)\(\s*['"](\w+)['"]""", SOURCE))
    said |= set(re.findall(r"""\bwatch\s*=\s*['"](\w+)['"]""", SOURCE))  # torch_parts' plateau words
    assert said and {PREFIX + k for k in said} <= set(table("en")), sorted(said)
    words = {k.removeprefix(PREFIX) for k in WORDS if not k.startswith(PREFIX + "note.")}
    assert words <= said | set(re.findall(r"""['"](\w+)['"]""", SOURCE)), sorted(words - said)


def test_comment_lines_are_comments():
    lines = table("ko")["code.plateau_watch"].split("\n")
    assert comment("plateau_watch", "ko", "    ") == [f"    # {line}" for line in lines]
