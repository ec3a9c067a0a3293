"""engine.runs: many whole runs in one vmap, each equal to engine.run at its rate."""

import numpy as np
import pytest

from lrviz import engine
from lrviz.app.kit.rates import LR_GRID


def _same(a: engine.Trajectory, b: engine.Trajectory) -> None:
    assert a.status == b.status
    assert a.diverged_at == b.diverged_at
    assert a.converged_at == b.converged_at
    assert a.steps == b.steps
    for name in ("points", "losses", "lrs", "grads"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape, name
        np.testing.assert_allclose(x, y, rtol=1e-4, atol=1e-5, err_msg=name)


SPREAD = [1e-3, 0.05, 0.3, 0.9, 1.02, 1.5, 7.0]


# Adam at large rates on Himmelblau is chaotic: float32 rounding that differs between the
# batched and the single program grows there, so that case stays at the rates sweep's test uses.
@pytest.mark.parametrize(("surface", "lrs", "kwargs"), [
    ("quadratic", SPREAD, dict(steps=150)),
    ("himmelblau", [0.01, 0.1, 0.5],
     dict(optimizer="adam", steps=80, schedule="cosine", schedule_params={"T_max": 80})),
    ("ravine", SPREAD, dict(optimizer="momentum", steps=60, noise=0.3, seed=4, clip_norm=2.0)),
    ("double_well", SPREAD, dict(steps=50, schedule="plateau", start=(1.2,))),
])
def test_each_row_equals_the_single_run_diverging_rows_too(surface, lrs, kwargs):
    rows = engine.runs(surface, lrs, **kwargs)
    assert len(rows) == len(lrs)
    for lr, row in zip(lrs, rows, strict=True):
        _same(row, engine.run(surface, lr=float(lr), **kwargs))
    if surface == "quadratic":  # 2/λ = 1: the rows above it diverge and are cut like run's
        assert [r.status == "diverged" for r in rows] == [False] * 4 + [True] * 3
        assert all(len(r.points) == r.diverged_at + 1 for r in rows if r.diverged_at is not None)


def test_moving_among_the_sliders_stops_does_not_recompile():
    grid = np.array(LR_GRID)
    engine.runs("ravine", grid, "momentum", steps=300)
    before = engine.trace_count()
    for extra in (0.0123, 0.5, 3.3):  # the slider's stops plus the exact rate of the box
        engine.runs("ravine", np.append(grid, extra), "momentum", steps=300)
    engine.runs("ravine", grid[::-1], "momentum", steps=290, start=(1.0, 2.0))
    assert engine.trace_count() == before


@pytest.mark.parametrize("lrs", [[], [0.1, -1.0], [np.nan], [[0.1, 0.2]]])
def test_bad_rates_are_refused_by_name(lrs):
    with pytest.raises(ValueError, match="`lrs`"):
        engine.runs("quadratic", lrs)
