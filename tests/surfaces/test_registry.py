"""Every surface carries everything the pages and the engine ask of it, in both languages.

One table drives the tests (as optax's ``_src/alias_test.py`` drives its tests from one table
of optimizers): :data:`TEXTS` lists the strings an entry must have and :data:`HOOKS` what it
must know about itself. A new surface is tested against both the day it is added.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from lrviz.surfaces import SURFACES, Surface
from tests.registry import assert_words

ENTRIES = list(SURFACES.values())
NAMES = list(SURFACES)

# (what, the texts of one entry, whether the Korean is prose and so must be in Hangul)
TEXTS = [
    ("title", lambda surface: [surface.title], False),
    ("lesson", lambda surface: [surface.lesson], True),
]
# (hook, a check that it is there and answers)
HOOKS = [
    ("jax formula", lambda s: np.isfinite(float(s.fn(jnp.asarray(s.start, jnp.float32))))),
    ("numpy formula", lambda s: np.isfinite(float(s.numpy(*np.asarray(s.start, dtype=float))))),
    ("latex", lambda s: s.latex.strip()),
    ("domain", lambda s: s.bounds.shape == (s.dim, 2) and np.all(s.bounds[:, 0] < s.bounds[:, 1])),
    ("start in the domain", lambda s: len(s.start) == s.dim
     and np.all((s.bounds[:, 0] <= s.start) & (s.start <= s.bounds[:, 1]))),
    ("a global minimum", lambda s: s.minima and s.n_global >= 1),
]


@pytest.mark.parametrize("surface", ENTRIES, ids=NAMES)
@pytest.mark.parametrize(("what", "texts", "prose"), TEXTS, ids=[row[0] for row in TEXTS])
def test_every_text_is_there_in_both_languages(surface, what, texts, prose):
    assert_words(surface.name, what, texts(surface), prose)


@pytest.mark.parametrize("surface", ENTRIES, ids=NAMES)
@pytest.mark.parametrize(("hook", "check"), HOOKS, ids=[row[0] for row in HOOKS])
def test_every_hook_is_there_and_answers(surface, hook, check):
    assert isinstance(surface, Surface) and SURFACES[surface.name] is surface
    assert check(surface), (surface.name, hook)
