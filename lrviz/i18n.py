"""Two languages, one type.

Every string a student reads exists in English and Korean. The core keeps its
display texts (names, one-line summaries, parameter labels) as :class:`Text`
pairs next to the thing they describe, so a new schedule cannot ship with one
language missing. Page-level strings live in ``assets/locales/<lang>/``.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple, get_args

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


class BilingualError(ValueError):
    """A ``ValueError`` whose message a student can read in either language.

    ``str(error)`` is the English text (for logs and tests); :func:`message` gives the
    student's language. The core raises these where a student's input is refused.
    """

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, e.g. across Streamlit's caches
        return type(self), (self.message,)


def message(error: Exception, lang: str) -> str:
    """What ``error`` says, in ``lang`` when it can say it in both languages."""
    return error.message(lang) if isinstance(error, BilingualError) else str(error)


def parse_lang(value: object) -> Lang | None:
    """``"en"`` or ``"ko"`` for a valid language code, else ``None``."""
    text = str(value).strip().lower()
    return text if text in LANGS else None  # type: ignore[return-value]
