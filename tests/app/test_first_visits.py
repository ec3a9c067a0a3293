"""A class opening a Korean link together on a freshly started server gets Korean pages.

Until some session calls ``st.navigation``, Streamlit runs a ``pages/`` file named by the URL
directly, skipping ``app.py`` and its language switch (``lrviz/app/kit/shell.py``). Students who
open the lecturer's link in the same second all start that way; each must be rerouted through
``app.py``, not only the first (the others once drew ``?lang=ko`` in English).

The server is a fresh process of its own (the mode exists only before the first routed run),
visited by protocol-level students (``bench/hall.py``), so no browser is needed.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench import hall
from lrviz.i18n import t
from tests.conftest import run_async

ROOT = Path(__file__).resolve().parents[2]

LINKS = ["/schedules?lang=ko&open=plateau"] * 3 + ["/playground?lang=ko", "/sweep?lang=ko"]


async def _first_visits(base: str) -> list[hall.Student]:
    students = [hall.Student(base) for _ in LINKS]
    await asyncio.gather(*(s.open(link) for s, link in zip(students, LINKS, strict=True)))
    for student in students:
        await student.close()
    return students


def _language(student: hall.Student) -> list[str]:
    """The language switch's choice as the student's page shows it ([] when there is no switch)."""
    wid = student.ids.get("lang")
    return list(student.states[wid].string_array_value.data) if wid in student.states else []


def test_students_opening_a_korean_link_together_on_a_fresh_server_all_get_korean():
    with hall.serve() as (base, _):
        students = run_async(_first_visits(base))
    for student, link in zip(students, LINKS, strict=True):
        assert student.errors == [], f"{link}: {student.errors}"
        assert _language(student) == ["한국어"], f"{link} was drawn without app.py's Korean switch"


def test_a_page_served_on_its_own_draws_instead_of_rerouting_forever():
    # `streamlit run pages/playground.py` has no app.py to go through: the page draws in English.
    at = AppTest.from_file(str(ROOT / "pages" / "playground.py"), default_timeout=60).run()
    assert not at.exception
    assert [title.value for title in at.title] == [t("pg.title", "en")]
