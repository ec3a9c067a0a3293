"""Every optimizer carries everything the rest of lrviz asks of it, in both languages.

One table drives the tests (as optax's ``_src/alias_test.py`` drives its tests from one table
of optimizers): :data:`TEXTS` lists the strings an entry must have and :data:`HOOKS` the
knowledge it must carry. A new registry entry is tested against both the day it is added; one
that lacks a string, a language or a hook fails here rather than at run time.
"""

from __future__ import annotations

import string
from dataclasses import replace

import pytest

from lrviz.export import optimizers as export
from lrviz.export.forms import num
from lrviz.i18n import table
from lrviz.optimizers import OPTIMIZERS, Limit, OptimizerSpec
from lrviz.params import Spec
from tests.registry import assert_words

ENTRIES = list(OPTIMIZERS.values())
NAMES = list(OPTIMIZERS)

# (what, the texts of one entry, whether the Korean is prose and so must be in Hangul)
TEXTS = [
    ("title", lambda spec: [spec.title], False),
    ("summary", lambda spec: [spec.summary], True),
    ("parameter labels", lambda spec: [p.label for p in spec.params], True),
    ("parameter help", lambda spec: [p.help for p in spec.params], True),
    ("what d is", lambda spec: [spec.d], True),
]
# (hook, a check that it is there and answers)
HOOKS = [
    ("direction", lambda spec: spec.direction(spec.resolve()) is not None),
    ("limit", lambda spec: spec.has_critical_rate == isinstance(spec.stability_limit({}, 2.0), Limit)),
    ("caption", lambda spec: spec.caption({**spec.defaults(), "weight_decay": 0.1}) is not None),
    ("torch code", lambda spec:
        spec.code.torch.cls and spec.defaults().keys() <= spec.code.torch.defaults.keys()),
    ("keras code", lambda spec: spec.code.keras.cls),
    ("optax code", lambda spec: spec.code.optax.func.startswith("optax.")),
]


@pytest.mark.parametrize("spec", ENTRIES, ids=NAMES)
@pytest.mark.parametrize(("what", "texts", "prose"), TEXTS, ids=[row[0] for row in TEXTS])
def test_every_text_is_there_in_both_languages(spec, what, texts, prose):
    assert_words(spec.name, what, texts(spec), prose)


@pytest.mark.parametrize("spec", ENTRIES, ids=NAMES)
@pytest.mark.parametrize(("hook", "check"), HOOKS, ids=[row[0] for row in HOOKS])
def test_every_hook_is_there_and_answers(spec, hook, check):
    assert check(spec), (spec.name, hook)


@pytest.mark.parametrize("spec", ENTRIES, ids=NAMES)
def test_metadata_complete_in_both_languages(spec):
    assert isinstance(spec, OptimizerSpec) and isinstance(spec, Spec) and OPTIMIZERS[spec.name] is spec
    assert callable(spec.direction) and spec.latex.strip()
    for p in spec.params:
        if p.log:
            assert p.lo is not None and (p.lo > 0 or p.lo_open), p.name
        if p.traced:
            assert p.lo is not None and p.hi is not None, p.name


@pytest.mark.parametrize("hook", ["direction", "limit", "code"])  # d: its key, checked in TEXTS
def test_an_entry_without_a_hook_is_refused_when_it_is_made(hook):
    sgd = OPTIMIZERS["sgd"]
    with pytest.raises(TypeError, match=f"needs a `{hook}`"):
        replace(sgd, **{hook: None})


@pytest.mark.parametrize("spec", ENTRIES, ids=NAMES)
def test_code_arguments_and_notes_name_real_parameters(spec):
    """Every library argument maps one of the optimizer's own parameters (or is fixed), and every
    note fills in parameters it has: a renamed parameter cannot leave the export behind."""
    names = {p.name for p in spec.params}
    for call in (spec.code.keras, spec.code.optax):
        for arg in call.args:
            assert arg.param in names if arg.param is not None else arg.value is not None, (spec.name, arg)
        for note in call.notes:
            assert note.text.key.startswith("code.note."), (spec.name, note)
            en, ko = ({f for _, f, _, _ in string.Formatter().parse(table(lang)[note.text.key]) if f}
                      for lang in ("en", "ko"))
            assert en == ko, (spec.name, note)  # both languages fill in the same parameters
            own = en - dict(note.text.values).keys()  # what the Key leaves to the parameters
            assert own <= names and (note.when is None or note.when in names), (spec.name, note)
    switch = spec.code.optax.switch
    assert switch is None or switch[0] in names
    assert set(spec.code.torch.fixed) <= set(spec.code.torch.defaults)


@pytest.mark.parametrize("spec", ENTRIES, ids=NAMES)
def test_each_library_writes_the_optimizer_with_its_own_class(spec):
    p = spec.resolve({}, 0.1)
    torch_notes, (torch_cls, torch_args) = export.torch_optimizer(spec.name, p, 0.1)
    keras_notes, (keras_cls, keras_args) = export.keras_optimizer(spec.name, p, "schedule")
    optax_notes, optax_expr = export.optax_optimizer(spec.name, p, "schedule")
    torch = spec.code.torch
    assert torch_cls == f"{torch.module}.{torch.cls}" and torch_args[0] == f"lr={num(0.1)}"
    assert spec.code.torch.module in ("torch.optim", "schedulefree")
    assert keras_cls == f"keras.optimizers.{spec.code.keras.cls}"
    assert keras_args[0] == "learning_rate=schedule"
    assert spec.code.optax.func in optax_expr and "schedule" in optax_expr
    assert all(line.startswith("# ") for line in (*torch_notes, *keras_notes, *optax_notes))
