"""Every schedule carries everything the rest of lrviz asks of it, in both languages.

One table drives the tests (as optax's ``_src/alias_test.py`` drives its tests from one table
of optimizers): :data:`TEXTS` lists the strings an entry must have and :data:`HOOKS` the
knowledge it must carry, here or keyed by its id (its code in each library:
:data:`lrviz.export._writers.WRITERS`). A new schedule is tested against both the day it is
added; one that lacks a string, a language or a hook fails here rather than at run time.
"""

from __future__ import annotations

import pytest

from lrviz import optimizers
from lrviz.export._writers import WRITERS
from lrviz.export.schedule import Setup
from lrviz.params import Spec
from lrviz.schedules import SCHEDULES, ScheduleSpec
from tests.registry import assert_words

ENTRIES = list(SCHEDULES.values())
NAMES = list(SCHEDULES)


def _setup(spec: ScheduleSpec) -> Setup:
    return Setup(spec.name, spec.resolve({}, 0.1), 0.1, "sgd", optimizers.get("sgd").resolve({}, 0.1), 100)


# (what, the texts of one entry, whether the Korean is prose and so must be in Hangul)
TEXTS = [
    ("title", lambda spec: [spec.title], True),
    ("summary", lambda spec: [spec.summary], True),
    ("parameter labels", lambda spec: [p.label for p in spec.params], True),
    ("parameter help", lambda spec: [p.help for p in spec.params], True),
]
# (hook, a check that it is there and answers)
HOOKS = [
    ("closed form or loss", lambda spec: (spec.fn is None) == spec.needs_loss),
    ("pytorch code", lambda spec: WRITERS[spec.name].torch(_setup(spec))),
    ("keras code", lambda spec: WRITERS[spec.name].keras(_setup(spec))[1]),
    ("optax code", lambda spec: WRITERS[spec.name].optax(_setup(spec))),
]


@pytest.mark.parametrize("spec", ENTRIES, ids=NAMES)
@pytest.mark.parametrize(("what", "texts", "prose"), TEXTS, ids=[row[0] for row in TEXTS])
def test_every_text_is_there_in_both_languages(spec, what, texts, prose):
    assert_words(spec.name, what, texts(spec), prose)


@pytest.mark.parametrize("spec", ENTRIES, ids=NAMES)
@pytest.mark.parametrize(("hook", "check"), HOOKS, ids=[row[0] for row in HOOKS])
def test_every_hook_is_there_and_answers(spec, hook, check):
    assert check(spec), (spec.name, hook)


def test_the_code_table_has_one_entry_per_schedule_and_no_other():
    assert list(WRITERS) == NAMES


@pytest.mark.parametrize("spec", ENTRIES, ids=NAMES)
def test_metadata_is_complete_in_both_languages(spec):
    name = spec.name
    assert isinstance(spec, ScheduleSpec) and isinstance(spec, Spec) and SCHEDULES[name] is spec
    assert spec.latex.strip()
    assert spec.params or name == "constant"
    assert spec.resolve({}, 0.1) == spec.defaults()  # defaults pass their own checks
    assert (spec.fn is None) == spec.needs_loss == (name == "plateau")
