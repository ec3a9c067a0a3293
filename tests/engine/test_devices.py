"""lrviz exposes one CPU device per core and spreads rows of independent runs over them."""

import os

import jax
import numpy as np
import pytest

from lrviz.engine import devices
from lrviz.nn import datasets, mlp


def test_one_device_per_core():
    assert jax.device_count() == len(os.sched_getaffinity(0))


@pytest.mark.skipif(jax.device_count() < 2, reason="one core: nothing to spread over")
def test_spread_splits_rows_evenly_over_the_devices():
    n = 4 * jax.device_count()
    rates, weights = devices.spread((np.arange(n, dtype=np.float32), np.zeros((n, 3), np.float32)))
    for array in (rates, weights):
        shards = array.addressable_shards
        assert {shard.device for shard in shards} == set(jax.devices())
        assert [shard.data.shape[0] for shard in shards] == [4] * jax.device_count()
    np.testing.assert_array_equal(np.asarray(rates), np.arange(n))


@pytest.mark.skipif(jax.device_count() < 2, reason="one core: nothing to spread over")
def test_rows_that_do_not_divide_stay_where_they_are():
    odd = np.arange(jax.device_count() + 1, dtype=np.float32)
    assert devices.spread(odd) is odd


def test_spread_training_equals_one_device():
    """The grid trained across the devices equals each of its rows trained alone."""
    data = datasets.load("moons")
    lrs = np.array([0.01, 0.1, 0.5, 3.0])
    grid = mlp.train(data, lrs, [0, 1, 0, 2], width=8, steps=40, evals=4)
    for i, lr in enumerate(lrs):
        alone = mlp.train(data, [lr], [grid.seeds[i]], width=8, steps=40, evals=4)
        np.testing.assert_allclose(grid.val_loss[i], alone.val_loss[0], rtol=1e-5)
