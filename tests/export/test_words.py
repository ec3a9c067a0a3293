"""The words of exported code exist in both languages with the same placeholders."""

import re
import string

import pytest

from lrviz.export._words import WORDS, comment


@pytest.mark.parametrize("key", sorted(WORDS))
def test_both_languages_fill_the_same_placeholders(key):
    en, ko = ({f for _, f, _, _ in string.Formatter().parse(text) if f} for text in WORDS[key])
    assert en == ko, key
    assert WORDS[key].en.count("\n") == WORDS[key].ko.count("\n"), key  # the same comment lines
    assert re.search("[\uac00-\ud7a3]", WORDS[key].ko), key


def test_comment_lines_are_comments():
    lines = WORDS["plateau_watch"].ko.split("\n")
    assert comment("plateau_watch", "ko", "    ") == [f"    # {line}" for line in lines]
