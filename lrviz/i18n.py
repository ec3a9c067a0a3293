"""Two languages, one type.

Every string a student reads exists in English and Korean. The core keeps its
display texts (names, one-line summaries, parameter labels) as :class:`Text`
pairs next to the thing they describe, so a new schedule cannot ship with one
language missing. Page-level strings live in ``assets/locales/<lang>/``.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

Lang = Literal["en", "ko"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "en"


class Text(NamedTuple):
    """A string in both languages: ``Text(en="learning rate", ko="학습률")``."""

    en: str
    ko: str

    def __call__(self, lang: str) -> str:
        """The text in ``lang``; English for a language we do not have."""
        return self.ko if lang == "ko" else self.en


def parse_lang(value: object) -> Lang | None:
    """``"en"`` or ``"ko"`` for a valid language code, else ``None``."""
    text = str(value).strip().lower()
    return text if text in LANGS else None  # type: ignore[return-value]
