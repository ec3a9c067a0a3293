"""Every page in Korean (defaults, ``lang=ko``): no English word left in what a student reads.

The walk reads the page's titles, headers, Markdown, captions, alert boxes, expander and tab labels,
and every widget's label, help and options (AppTest's typed elements). Code blocks, LaTeX and charts
are not prose and are not read. A word of three or more Latin letters fails the test unless it is
in :data:`ALLOWED`: names that Korean text writes in Latin letters too (libraries, optimizers,
schedulers, people's names on surfaces) and code (parameter names, ids, units).
"""

from __future__ import annotations

import re

import pytest

from tests.apptest import open_page, open_take_home

PAGES = ("pages/home.py", "pages/playground.py", "pages/compare.py", "pages/sweep.py", "pages/schedules.py",
         "pages/lr-finder.py", "pages/edge.py")

# Written in Latin letters in Korean too: each is a proper name, a class or function name, or code.
ALLOWED = frozenset({
    # libraries and their classes: a student searches for them as they are spelled
    "lrviz", "PyTorch", "torch", "Keras", "optax", "JAX", "NumPy", "Plotly", "CSV", "HTML",
    "SGD", "Adam", "AdamW", "RMSProp", "RMSprop", "AdaGrad", "Adagrad", "Nesterov", "OneCycle", "OneCycleLR",
    "ReduceLROnPlateau", "StepLR", "MultiStepLR", "ExponentialLR", "LinearLR", "PolynomialLR",
    "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR", "InverseTimeDecay", "LambdaLR",
    "SequentialLR", "MLP", "ReLU",
    "AMSGrad", "SGDR",  # the papers' own names (Reddi et al.; Loshchilov and Hutter)
    "Schedule", "free",  # "Schedule-free", beside its Korean name: the package a student installs
    "centered",  # torch's parameter name, beside its Korean label: "중심화 (centered)"
    # people and the functions named after them (the surfaces' textbook names)
    "Rosenbrock", "Himmelblau", "Beale", "Rastrigin", "Ackley", "Smith", "Loshchilov", "Hutter",
    "Cohen", "Lewkowycz", "Gilmer", "Kalra", "Barkeshli",  # the /edge page's papers, named in its prose
    "sharpness",  # the papers' term, glossed once beside its Korean: "날카로움(sharpness: …)"
    "ICLR", "arXiv",  # where a paper appeared
    # the language switch names each language in itself (a lost English reader must find it)
    "English",
    # units, symbols and abbreviations read as they are written
    "RMS", "USB", "max", "min", "log", "exp", "sqrt", "sin", "cos", "tan", "tanh", "abs", "inf", "NaN",
    "diag",
})
# Not prose: inline code, LaTeX, link targets and addresses, placeholders of numbers; and in a reference,
# its authors (an initial and a surname: "J. Z. Kolter") and its italic title, written as published.
_NOT_PROSE = re.compile(r"`[^`]*`|\$[^$]*\$|\]\([^)]*\)|https?://\S+|\b[a-z_]+\.[a-z_.]+\b|\b\w+_\w+\b"
                        r"|\b[A-Z]\. [A-Z][\w-]+|(?<!\*)\*[A-Z][^*\n]*\*(?!\*)")
_WORD = re.compile(r"[A-Za-z]{3,}")


def _texts(at) -> list[str]:
    """Every piece of text a student reads on the page (main area and sidebar)."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
                 "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("expander", "tabs"):
        texts += [str(e.label) for e in getattr(at, kind)]
    for kind in ("button", "checkbox", "toggle", "selectbox", "multiselect", "radio", "slider",
                 "select_slider", "number_input", "text_input", "text_area", "segmented_control", "pills",
                 "page_link"):
        for element in getattr(at, kind):
            texts.append(str(getattr(element, "label", "") or ""))
            texts.append(str(getattr(element, "help", "") or ""))
            texts += [str(o) for o in getattr(element, "options", None) or ()]
    for element in at.get("download_button"):
        texts += [element.proto.label, element.proto.help]
    return texts


def english_words(text: str) -> list[str]:
    """Latin words of ``text`` outside code, formulas and addresses, other than :data:`ALLOWED`."""
    return [w for w in _WORD.findall(_NOT_PROSE.sub(" ", text)) if w not in ALLOWED]


@pytest.mark.parametrize("path", PAGES)
def test_a_korean_page_has_no_english_words(path):
    at = open_take_home(open_page(path, lang="ko"))  # the code panel's captions too
    assert not at.exception
    left = {text: words for text in _texts(at) if (words := english_words(text))}
    assert not left, f"English on {path} in Korean: {left}"


def test_the_check_finds_english_and_spares_names_and_code():
    assert english_words("학습률을 키워 보세요. Try a larger rate.") == ["Try", "larger", "rate"]
    assert english_words("PyTorch의 `torch.optim.SGD`, $\\eta = 2/\\lambda_{max}$, momentum_decay") == []
    reference = "**출처:** J. Z. Kolter, J. Sohl-Dickstein (2021), *Gradient Descent at the Edge*, ICLR 2021"
    assert english_words(reference) == []  # a reference's authors and title, as published
    assert english_words("*점진적 날카로워짐* and more") == ["and", "more"]
