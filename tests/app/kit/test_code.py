"""The take-home panel's scripts are written once per run and remembered, within a bound."""

from lrviz.app.kit import code
from lrviz.export import script


def test_scripts_are_the_exports_own_and_remembered_per_run():
    run = dict(optimizer="sgd", lr=0.1, steps=20, start=(2.5,))
    first = code.scripts("quadratic", run, "en")
    assert first["optax"] == script("optax", "quadratic", lang="en", **run)
    assert code.scripts("quadratic", dict(run), "en") is first  # the same run: not written again
    assert code.scripts("quadratic", {**run, "lr": 0.2}, "en") is not first
    assert code.scripts("quadratic", run, "ko")["torch"] != first["torch"]  # comments in Korean
    for i in range(code._KEEP + 5):
        code.scripts("quadratic", {**run, "steps": 30 + i}, "en")
    assert len(code._WRITTEN) == code._KEEP
