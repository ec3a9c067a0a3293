"""Data sets: fixed seeds, a clean split, standardised with the training statistics."""

import numpy as np
import pytest

from lrviz.nn import datasets


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_split_shapes_labels_and_standardisation(name):
    data = datasets.load(name)
    n_train, n_val = len(data.y_train), len(data.y_val)
    total = 1797 if name == "digits" else datasets.N_POINTS
    assert n_train + n_val == total == data.info.size
    assert n_train == data.info.n_train
    assert n_val == round(datasets.VAL_FRACTION * total)
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int32
    assert data.x_train.shape == (n_train, data.dim) and data.x_val.shape == (n_val, data.dim)
    assert data.dim == (64 if name == "digits" else 2)
    assert data.n_classes == (10 if name == "digits" else 2)
    assert set(np.unique(data.y_train)) == set(range(data.n_classes))
    # Standardised with the training part: mean 0, std 1 (0 for digits' always-blank pixels).
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-5)
    std = data.x_train.std(axis=0)
    assert np.all((np.abs(std - 1) < 1e-4) | (std < 1e-6))
    # The validation part is not standardised on its own statistics, but is close to it.
    assert np.all(np.abs(data.x_val.mean(axis=0)) < 0.5)


def test_fixed_seed_gives_the_same_data_and_train_val_do_not_overlap():
    first = datasets.load("moons")
    datasets.load.cache_clear()
    second = datasets.load("moons")
    assert first is not second
    np.testing.assert_array_equal(first.x_train, second.x_train)
    np.testing.assert_array_equal(first.y_val, second.y_val)
    train_rows = {tuple(r) for r in first.x_train.round(6)}
    assert not any(tuple(r) in train_rows for r in first.x_val.round(6))


def test_two_moons_follow_their_formula_before_noise():
    rng = np.random.default_rng(0)
    x, y = datasets._moons(rng, 200)
    clean = x - np.random.default_rng(0).normal(0, 0.2, (200, 2))
    upper, lower = clean[y == 0], clean[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, atol=1e-9)  # on the unit circle
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, atol=1e-9)


def test_unknown_name_is_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"`name` \(='iris'\) must be one of: moons, circles"):
        datasets.load("iris")
