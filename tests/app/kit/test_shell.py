"""The page shell's words: a refused link value's note."""

import pytest

from lrviz import optimizers
from lrviz.app.kit.query import QueryReader
from lrviz.app.kit.shell import note_text


def depth(text: str) -> int:
    """How deep round brackets nest in ``text``."""
    deepest = level = 0
    for c in text:
        level += (c == "(") - (c == ")")
        deepest = max(deepest, level)
    return deepest


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_default_named_with_brackets_is_not_nested_in_the_notes_brackets(lang):
    """The optimizer menu names SGD "SGD (경사 하강법)": in the note's own brackets it read
    "기본값(SGD (경사 하강법))". The name is quoted instead, whole."""
    read = QueryReader({"optimizer": "nope"})
    title = lambda n: optimizers.OPTIMIZERS[n].title  # noqa: E731
    read.choice("optimizer", optimizers.OPTIMIZERS, "sgd", title)
    text = note_text(read.notes[0], lang)
    name = optimizers.OPTIMIZERS["sgd"].title(lang)
    assert f"“{name}”" in text and depth(text) <= 1, text
