"""The MLP and its training loop: closed forms, one step by hand, vmap equals separate runs."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax.flatten_util import ravel_pytree

from lrviz import optimizers
from lrviz.nn import datasets, mlp

SMALL = dict(width=8, depth=1, batch=32, steps=40, evals=40)  # one compiled shape for most tests
SHAPE = mlp.Shape(2, 8, 1, 2)
_grad = jax.jit(jax.grad(mlp.loss))
_loss = jax.jit(mlp.loss)


@pytest.fixture(scope="module")
def moons():
    return datasets.load("moons")


def test_init_follows_torch_linear_bounds_and_the_seed():
    shape = mlp.Shape(2, 16, 2, 3)
    params = mlp.init(shape, 7)
    assert [w.shape for w, _ in params] == [(2, 16), (16, 16), (16, 3)]
    for (w, b), fan_in in zip(params, (2, 16, 16), strict=True):
        assert np.abs(w).max() <= 1 / np.sqrt(fan_in) and np.abs(b).max() <= 1 / np.sqrt(fan_in)
        assert np.abs(w).max() > 0.8 / np.sqrt(fan_in)  # spread over the whole range
    again, other = mlp.init(shape, 7), mlp.init(shape, 8)
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(params, again, strict=True))
    assert not np.array_equal(params[0][0], other[0][0])


def test_loss_and_accuracy_match_hand_computed_values():
    # Zero weights: the logits are the output bias, the same for every point.
    shape = mlp.Shape(2, 4, 1, 3)
    params = [(np.zeros((2, 4), np.float32), np.zeros(4, np.float32)),
              (np.zeros((4, 3), np.float32), np.array([0.0, 1.0, 2.0], np.float32))]
    x = np.ones((4, 2), np.float32)
    y = np.array([0, 1, 2, 2])
    logp = np.array([0.0, 1.0, 2.0]) - np.log(np.exp([0.0, 1.0, 2.0]).sum())
    expected = -(logp[0] + logp[1] + 2 * logp[2]) / 4
    assert float(mlp.loss(params, x, y)) == pytest.approx(expected, rel=1e-6)
    assert float(mlp.accuracy(params, x, y)) == 0.5  # always predicts class 2
    assert mlp.forward(mlp.init(shape, 0), x).shape == (4, 3)


def test_relu_hidden_layer_by_hand():
    params = [(np.array([[1.0, -1.0]], np.float32), np.zeros(2, np.float32)),
              (np.array([[2.0], [3.0]], np.float32), np.array([0.5], np.float32))]
    x = np.array([[2.0], [-1.0]], np.float32)
    # x=2: hidden (2, 0) -> 4.5; x=-1: hidden (0, 1) -> 3.5
    np.testing.assert_allclose(np.asarray(mlp.forward(params, x))[:, 0], [4.5, 3.5])


def test_batch_order_is_a_fresh_permutation_each_epoch():
    order = mlp.batch_order(3, n=100, batch=32, steps=10)
    assert order.shape == (10, 32)
    per_epoch = 100 // 32
    for start in range(0, 9, per_epoch):
        epoch = order[start : start + per_epoch].ravel()
        assert len(set(epoch.tolist())) == len(epoch)  # no row twice within an epoch
    assert not np.array_equal(order[:3], order[3:6])
    np.testing.assert_array_equal(order, mlp.batch_order(3, 100, 32, 10))


def test_first_update_equals_a_gradient_step_by_hand(moons):
    lr, seed = 0.3, 4
    run = mlp.train(moons, [lr], seed, **SMALL)
    params = mlp.init(SHAPE, seed)
    rows = mlp.batch_order(seed, len(moons.y_train), 32, 1)[0]
    grads = _grad(params, moons.x_train[rows], moons.y_train[rows])
    stepped = jax.tree.map(lambda p, g: p - lr * g, params, grads)
    assert run.batch_loss[0, 0] == pytest.approx(float(_loss(params, moons.x_train[rows],
                                                             moons.y_train[rows])), rel=1e-5)
    assert run.train_loss[0, 1] == pytest.approx(float(_loss(stepped, moons.x_train, moons.y_train)),
                                                 rel=1e-5)
    assert run.val_acc[0, 1] == pytest.approx(float(mlp.accuracy(stepped, moons.x_val, moons.y_val)))


def test_loss_falls_at_a_sane_rate_and_explodes_at_an_absurd_one(moons):
    run = mlp.train(moons, [0.5, 1e4], 0, **SMALL)
    sane, absurd = run.train_loss
    assert sane[-1] < 0.6 * sane[0]  # ln 2 ≈ 0.69 at the start
    assert run.diverged_at[0] == -1
    assert run.diverged_at[1] >= 0 or absurd[-1] > 10 * absurd[0]
    assert run.final_val_loss[0] < run.final_val_loss[1]


def test_vmap_over_rates_and_seeds_equals_separate_runs(moons):
    lrs, seeds = np.array([0.01, 0.3, 3.0]), np.array([0, 1, 1])
    together = mlp.train(moons, lrs, seeds, **SMALL)
    for i, (lr, seed) in enumerate(zip(lrs, seeds, strict=True)):
        alone = mlp.train(moons, [lr], int(seed), **SMALL)
        np.testing.assert_allclose(together.val_loss[i], alone.val_loss[0], rtol=2e-5)
        np.testing.assert_allclose(together.batch_loss[i], alone.batch_loss[0], rtol=2e-5)


def test_schedule_is_applied_per_update(moons):
    # StepLR(step_size=1, gamma=0.5): the second update uses half the rate of the first.
    lr, seed = 0.4, 2
    run = mlp.train(moons, [lr], seed, schedule="step", schedule_params={"step_size": 1, "gamma": 0.5},
                    **SMALL)
    params = mlp.init(SHAPE, seed)
    for t, rows in enumerate(mlp.batch_order(seed, len(moons.y_train), 32, 2)):
        grads = _grad(params, moons.x_train[rows], moons.y_train[rows])
        params = jax.tree.map(lambda p, g, t=t: p - lr * 0.5**t * g, params, grads)
    assert run.train_loss[0, 2] == pytest.approx(float(_loss(params, moons.x_train, moons.y_train)),
                                                 rel=1e-5)


def test_diverged_rows_hold_nan_after_the_step_and_rank_last():
    data = datasets.load("moons")
    run = mlp.train(data, [1e9], 0, **SMALL)
    if run.diverged_at[0] >= 0:  # float32 overflow within forty steps at this rate
        k = run.diverged_at[0]
        assert np.all(np.isnan(run.batch_loss[0, k + 1 :]))
        assert run.final_val_loss[0] == np.inf
    else:
        pytest.fail("a rate of 1e9 should overflow float32 within forty steps")


@pytest.mark.parametrize("name", list(optimizers.OPTIMIZERS))
def test_every_optimizer_direction_works_on_a_pytree(name):
    """The transforms are elementwise: on a pytree they must give what they give on the
    flattened vector (hand-written momentum, Adagrad and AMSGrad included)."""
    spec = optimizers.get(name)
    overrides = {"amsgrad": True} if name in ("adam", "adamw") else {}
    params = spec.resolve(overrides, 0.1)
    tree = [(jnp.arange(6.0).reshape(2, 3) / 7, jnp.array([0.5, -0.2, 0.1])),
            (jnp.ones((3, 1)), jnp.array([0.3]))]
    direction = optimizers.direction(name, params)

    @jax.jit
    def three_steps(tree):
        flat = ravel_pytree(tree)[0]
        s_tree, s_flat, out = direction.init(tree), direction.init(flat), []
        for k in range(3):
            g_tree = jax.tree.map(lambda p, k=k: jnp.sin(p * (k + 1)) + 0.1, tree)
            d_tree, s_tree = direction.update(g_tree, s_tree, tree)
            d_flat, s_flat = direction.update(ravel_pytree(g_tree)[0], s_flat, flat)
            out.append((ravel_pytree(d_tree)[0], d_flat))
        return out

    for d_tree, d_flat in three_steps(tree):
        np.testing.assert_allclose(d_tree, d_flat, rtol=1e-6)
        assert np.all(np.isfinite(d_tree)) and np.any(d_tree != 0)
    # And optimizers.make (the same direction with the rate chained on) takes pytrees too.
    opt = optimizers.make(name, 0.1, **overrides)
    updates, _ = jax.jit(opt.update)(tree, opt.init(tree), tree)
    assert jax.tree.structure(updates) == jax.tree.structure(tree)
    assert optax.tree.norm(updates) > 0


def test_bad_arguments_name_themselves(moons):
    with pytest.raises(ValueError, match=r"`width` \(=1000000\) must be an integer from 1 to 256"):
        mlp.train(moons, [0.1], width=10**6)
    with pytest.raises(ValueError, match=r"`batch` \(=0\)"):
        mlp.train(moons, [0.1], batch=0)
    with pytest.raises(ValueError, match=r"`lrs`"):
        mlp.train(moons, [0.0])
    with pytest.raises(ValueError, match=r"`evals` \(=7\) must divide `steps` \(=60\)"):
        mlp.train(moons, [0.1], steps=60, evals=7)
    with pytest.raises(ValueError, match="plateau"):
        mlp.train(moons, [0.1], schedule="plateau")


def test_new_rates_and_seeds_do_not_recompile(moons):
    mlp.train(moons, [0.1, 0.2, 0.3], [0, 1, 2], **SMALL)
    before = mlp._train_many._cache_size()
    mlp.train(moons, [0.05, 3.0, 0.7], [5, 6, 7], **SMALL)  # same bucket of 4 rows, other numbers
    mlp.train(moons, [0.5, 0.4], [3, 4], **SMALL)
    assert mlp._train_many._cache_size() == before
