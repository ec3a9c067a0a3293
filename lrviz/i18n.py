"""Two languages, one system: every word a student reads is a key in the locale files.

The strings live in ``assets/locales/<lang>/*.toml``: one folder per language, one file per
area (``library.toml`` for the registries' names, labels and refusals; ``playground.toml``,
``sweep.toml``, ... for the pages), merged into one flat table with the same keys in every
language (``tests/test_i18n.py`` keeps them in step). :func:`t` reads one. The library names
what it says by a :class:`Key` (``Key("optimizer.adam.title")``, derived from the registry and
the entry's id); a page calls it with the student's language, ``spec.title(lang)``. A refused
value raises :class:`BilingualError`, whose ``str`` is the English text.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

Lang = Literal["en", "ko"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "en"

LOCALES = Path(__file__).resolve().parents[1] / "assets" / "locales"


@functools.cache
def table(lang: str) -> dict[str, str]:
    """Every string of ``lang`` (English for an unknown language), keyed by dotted name.

    Two files that define the same key are an error, not a silent override."""
    code = lang if lang in LANGS else DEFAULT_LANG
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
    text = table(lang).get(key) or table(DEFAULT_LANG)[key]
    if not values:
        return text
    if lang != "ko":
        return text.format(**values)
    text = _AFTER_VALUE.sub("\\1" + _MARK, text).format(**values)
    return _FIRST.sub("첫 번째", _MARKED.sub(_agree, text)).replace(_MARK, "")


# Korean counts the first of anything 첫 번째, not 1번째 ("{step}번째 스텝" with step = 1).
_FIRST = re.compile(r"(?<![\d.,])1\s?번째")

# A Korean particle takes its form from the sound before it: 은/이/을/과 after a final consonant,
# 는/가/를/와 after a vowel, and 으로 after a final consonant but ㄹ, 로 after a vowel or ㄹ. After a
# filled-in value the template cannot know it ("η = {lr}은": 1.5 is read 일 점 오, so 1.5는; 손실
# 0.0743로: 삼, so 0.0743으로), so the value is marked and the particle made to agree with it.
_PARTICLES = {"은": "는", "이": "가", "을": "를", "과": "와"}  # after a consonant: after a vowel
_AFTER_CONSONANT = {vowel: consonant for consonant, vowel in _PARTICLES.items()}
_MARK = "\x00"
_PARTICLE = r"(으로|[은는이가을를과와로])(?![가-힣])"
_AFTER_VALUE = re.compile(r"(\{[^{}]*\})(?=" + _PARTICLE + ")")
_MARKED = re.compile(_MARK + _PARTICLE)
# Digits read in Sino-Korean: 영 일 삼 육 칠 팔 end in a consonant, 일 칠 팔 in ㄹ; 이 사 오 구 in
# a vowel (10, 100, 1000 are 십, 백, 천: a final 0 is always a consonant).
_CONSONANT_DIGITS, _RIEUL_DIGITS = "013678", "178"
_RIEUL = 8  # ㄹ's place among the final consonants of a Hangul syllable


def _agree(match: re.Match) -> str:
    """The particle after a value, in the form the value's last sound takes (a value ending in
    neither a digit nor a Hangul syllable keeps the template's)."""
    before = match.string[: match.start()].rstrip(")")
    particle = match.group(1)
    last = before[-1:] if before else ""
    if last.isdigit():
        consonant, rieul = last in _CONSONANT_DIGITS, last in _RIEUL_DIGITS
    elif "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        consonant, rieul = final != 0, final == _RIEUL
    else:
        return _MARK + particle
    if particle in ("로", "으로"):
        return _MARK + ("으로" if consonant and not rieul else "로")
    pair = particle if particle in _PARTICLES else _AFTER_CONSONANT[particle]
    return _MARK + (pair if consonant else _PARTICLES[pair])


_WORD = re.compile(r"\\word\{(\w+)\}")


def latex(formula: str, lang: str) -> str:
    r"""``formula`` (LaTeX) with each ``\word{name}`` written as ``\text{…}`` of ``formula.<name>``
    in ``lang``: a formula's prose ("otherwise", "or", "peak at") is read by the student, where its
    symbols and PyTorch's parameter names (``step_size``, ``exp_range``) stay as the code writes them.
    """
    return _WORD.sub(lambda m: r"\text{" + t(f"formula.{m.group(1)}", lang) + "}", formula)


@dataclass(frozen=True, init=False)
class Key:
    """A string of the locale files, named by its key and, if it has placeholders, their values.

    ``Key("surface.quadratic.lesson", a=2.0, limit=1.0)("ko")`` is :func:`t` of that key in
    Korean. A value that is itself a :class:`Key` is read in the same language.
    """

    key: str
    values: tuple[tuple[str, Any], ...]

    def __init__(self, key: str, /, **values: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", tuple(values.items()))

    def __call__(self, lang: str) -> str:
        """The text in ``lang``; English for a language we do not have."""
        values = {name: v(lang) if isinstance(v, Key) else v for name, v in self.values}
        return t(self.key, lang, **values)


class BilingualError(ValueError):
    """A ``ValueError`` whose message a student can read in either language.

    ``message`` is a :class:`Key`; ``str(error)`` is its English text (for logs, notebooks and
    tests), :func:`message` the student's language. The core raises these where a student's input
    is refused.
    """

    def __init__(self, message: Key) -> None:
        super().__init__(message("en"))
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
