"""/lessons with hostile links: no exception, a note in the reader's language, a fallback, no markup."""

import pytest

from tests.app.hostile import HOSTILE, UNESCAPED, XSS, rendered_strings
from tests.apptest import open_page

# Every value of the corpus in turn for `lesson`, `step` and `big` (a few links, each running fast:
# a refused lesson shows the list; a refused step shows step 1 of a small lesson).
VALUES = [*XSS, *HOSTILE[::6]]
LINKS = [{"lesson": v} for v in VALUES[:8]] + [
    {"lesson": "traps", "step": v, "big": VALUES[(i + 3) % len(VALUES)],
     "lang": VALUES[(i + 5) % len(VALUES)]}
    for i, v in enumerate(VALUES[:8])
] + [{"lesson": "traps", "step": "999"}, {"lesson": "traps", "step": "0"}, {"lesson": ["rate", "<b>x</b>"]}]


@pytest.mark.parametrize("link", LINKS, ids=[f"link{i}" for i in range(len(LINKS))])
def test_lessons_survive_a_hostile_link(link):
    at = open_page("pages/lessons.py", timeout=120, **link)
    assert not at.exception, [e.value for e in at.exception]
    lesson = link["lesson"][-1] if isinstance(link["lesson"], list) else link["lesson"]
    warnings = [w.value for w in at.warning]
    if lesson not in ("traps", "rate"):
        assert any("There is no lesson" in w for w in warnings), warnings
        assert "lesson" not in at.query_params
    else:
        step = link.get("step")
        if step is not None and step not in ("1", "2", "3", "4", "5", "6"):
            assert any("“step”" in w for w in warnings), warnings
            assert at.query_params["step"] in ("1", ["1"])
    for text in rendered_strings(at):
        assert not UNESCAPED.search(text), text[:300]
