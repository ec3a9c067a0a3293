"""The lecture-hall harness runs: a few protocol-level students for a few seconds, no errors."""

from __future__ import annotations

import pytest

from bench import hall
from tests.conftest import run_async


@pytest.fixture(scope="module")
def server():
    with hall.serve() as (base, pid):
        async def warm_up():  # the first page load compiles; the hall below measures the rest
            student = hall.Student(base)
            await student.open(hall.PAGE)
            await student.close()

        run_async(warm_up())
        yield base, pid


def test_students_load_move_and_change_without_errors(server):
    base, pid = server
    tally, memory, cpu = run_async(hall.hall(base, pid, students=2, seconds=10, link=hall.PAGE, ramp=0))
    assert tally.errors == []
    assert len(tally.latency["page load"]) == 2
    assert tally.latency.get("rate release"), "no student moved the rate"
    assert memory.start > 0 and memory.peak >= memory.start and cpu > 0


def test_a_student_keeps_the_widgets_it_set(server):
    base, _ = server

    async def scenario():
        student = hall.Student(base)
        try:
            await student.open("/playground?surface=bowl&lr=0.1&steps=60")
            assert student.query.startswith("surface=bowl")
            run = await student.chart_settings(steps=120)  # fetched, then released
            assert run.runs == 1 and run.exceptions == 0
            assert "steps=120" in student.query  # the server wrote the new setting into the link
            run = await student.set(student.key("lr_exact"), 0.2)  # the slider lives in the chart
            assert run.runs == 1 and "lr=0.2" in student.query and "steps=120" in student.query
            run = await student.switch("compare")
            assert run.runs == 1 and run.elements["plotly_chart"] >= 1
        finally:
            await student.close()
        assert student.errors == []

    run_async(scenario())
