"""What every registry's table test asks of an entry's words (tests/{optimizers,schedules,surfaces})."""

from __future__ import annotations

from collections.abc import Iterable

from lrviz.i18n import Key, table


def has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def assert_words(name: str, what: str, texts: Iterable[Key], prose: bool) -> None:
    """Each text of entry ``name`` is a Key found in both languages, not empty, and, where it is
    ``prose``, written in Hangul in Korean (a key missing in Korean would quietly read English)."""
    for text in texts:
        assert isinstance(text, Key), (name, what)
        assert text.key in table("en") and text.key in table("ko"), (name, what, text.key)
        assert text("en").strip() and text("ko").strip(), (name, what)
        assert has_hangul(text("ko")) or not prose, (name, what, text("ko"))
