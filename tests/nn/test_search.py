"""Grid and random search, checking the suggestions, and the three-rate comparison."""

import numpy as np
import pytest

from lrviz.nn import datasets, search

SMALL = dict(width=8, depth=1, batch=32, steps=40, evals=4)


def test_runs_needed_counts_up_to_the_first_run_within_five_percent():
    losses = np.array([0.9, np.inf, 0.53, 0.504, 0.5])
    assert search.runs_needed(losses, best=0.5) == 4  # 0.504 <= 0.525; 0.53 is not
    assert search.runs_needed(losses, best=0.5, within=0.07) == 3
    assert search.runs_needed(np.array([np.inf, 2.0]), best=1.0) is None


@pytest.fixture(scope="module")
def found():
    return search.search(datasets.load("moons"), lo=1e-3, hi=10.0, n=8, **SMALL)


def test_grid_is_log_spaced_and_random_is_drawn_in_the_same_range(found):
    np.testing.assert_allclose(found.grid.lrs, np.geomspace(1e-3, 10.0, 8))
    assert np.all((found.random.lrs >= 1e-3) & (found.random.lrs <= 10.0))
    assert not np.allclose(np.sort(found.random.lrs), found.grid.lrs)


def test_best_is_the_lowest_validation_loss_of_both_searches(found):
    both = np.concatenate([found.grid.final_val_loss, found.random.final_val_loss])
    lrs = np.concatenate([found.grid.lrs, found.random.lrs])
    assert found.best_loss == both.min()
    assert found.best_lr == lrs[np.argmin(both)]
    assert found.grid_runs == search.runs_needed(found.grid.final_val_loss, found.best_loss)
    assert found.random_runs == search.runs_needed(found.random.final_val_loss, found.best_loss)
    assert (found.grid_runs is not None) or (found.random_runs is not None)  # the best is in one of them


def test_the_two_searches_are_the_rows_of_one_training(found):
    # The same seed: the grid's rows equal training those rates on their own.
    alone = search.mlp.train(datasets.load("moons"), found.grid.lrs[:2], 0, **SMALL)
    np.testing.assert_allclose(alone.val_loss, found.grid.val_loss[:2], rtol=2e-5)
    assert found.grid.params[0][0].shape == (8, 2, 8)


def test_check_suggestions_trains_every_rule_from_every_seed():
    check = search.check_suggestions(datasets.load("moons"), {"a": 1e-3, "b": 0.5, "c": 1e4},
                                     seeds=(0, 1), **SMALL)
    assert check.val_loss.shape == (3, 2)
    np.testing.assert_allclose(check.training.lrs, [1e-3, 1e-3, 0.5, 0.5, 1e4, 1e4])
    np.testing.assert_array_equal(check.training.seeds, [0, 1, 0, 1, 0, 1])
    assert check.winner == "b"  # a sane rate beats a crawl and an explosion
    with pytest.raises(ValueError, match="empty"):
        search.check_suggestions(datasets.load("moons"), {})


def test_three_rates_pick_a_robust_good_rate_and_the_nearest_that_barely_learned(found):
    small, good, large = search.three_rates(found)
    assert good in found.grid.lrs and small < good < large
    # By hand: every loss starts at 10; they end at 9.5, 9.2, 2, 1, 8, 3, 3.5, 9.4 and diverged.
    # Averaged with their grid neighbours: 9.35, 6.9, 4.07, 3.67, 4, 4.83, 5.3, inf, inf.
    final = np.array([9.5, 9.2, 2, 1, 8, 3, 3.5, 9.4, 12.0])
    n = len(final)
    lrs = np.geomspace(1e-3, 10, n)

    def made(ends: np.ndarray, best: int) -> search.Search:
        grid = search.mlp.Training(
            dataset="x", setup=found.grid.setup, lrs=lrs, seeds=np.zeros(n, int), batch_loss=np.zeros((n, 1)),
            eval_steps=np.arange(2), train_loss=np.zeros((n, 2)),
            val_loss=np.stack([np.full(n, 10.0), ends], 1), val_acc=np.zeros((n, 2)),
            diverged_at=np.array([-1] * (n - 1) + [3]), params=[])
        return search.Search(grid=grid, random=grid, best_lr=float(lrs[best]), best_loss=float(ends[best]),
                             grid_runs=3, random_runs=3)

    small, good, large = search.three_rates(made(final, 3))
    assert good == lrs[3]
    assert small == lrs[1]  # 9.2 >= 0.9 * 10: barely learned (2 at index 2 did learn)
    assert large == lrs[7]  # 9.4 barely learned (8 at index 4 did learn)
    # A lone lucky 0.5 next to a failure (9.9): averages 7.03, 4.13, 4.47, 2.33 -> index 5, not 4.
    cliff = final.copy()
    cliff[[3, 4]] = [9.9, 0.5]
    assert search.three_rates(made(cliff, 4))[1] == lrs[5]


def test_compare_rates_trains_the_three_rates():
    comparison = search.compare_rates(datasets.load("moons"), [0.01, 0.3, 3.0], **SMALL)
    np.testing.assert_allclose(comparison.lrs, [0.01, 0.3, 3.0])
    assert comparison.training.val_loss.shape == (3, 5)
    with pytest.raises(ValueError, match="three positive rates"):
        search.compare_rates(datasets.load("moons"), [0.1, 0.2])


def test_bad_ranges_are_refused():
    with pytest.raises(ValueError, match=r"`lo` \(=1.0\) and `hi` \(=0.5\)"):
        search.search(datasets.load("moons"), lo=1.0, hi=0.5)
    with pytest.raises(ValueError, match=r"`n` \(=1\)"):
        search.search(datasets.load("moons"), n=1)


def test_a_best_rate_next_to_a_failed_one_is_flagged_as_the_cliff_edge(found):
    from dataclasses import replace

    def with_losses(part, lrs, losses):
        diverged = np.where(np.isinf(losses), 1, -1)
        val = np.tile(np.asarray(losses, float)[:, None], (1, part.val_loss.shape[1]))
        return replace(part, lrs=np.asarray(lrs, float), val_loss=val, diverged_at=diverged)

    grid = with_losses(found.grid, [0.1, 1.0, 3.0], [0.3, 0.1, 0.12])
    edge = replace(found, grid=grid, random=with_losses(found.random, [2.0, 3.5], [0.07, 0.5]),
                   best_lr=2.0, best_loss=0.07)
    assert edge.cliff_above() == 3.5  # 3.0 does well (0.12 < 0.14); 3.5 (< 2 × 2.0) fails
    safe = replace(edge, random=with_losses(found.random, [2.0, 4.5], [0.07, np.inf]))
    assert safe.cliff_above() is None  # the first failure is more than twice the best rate
    diverged = replace(edge, random=with_losses(found.random, [2.0, 3.9], [0.07, np.inf]))
    assert diverged.cliff_above() == 3.9
