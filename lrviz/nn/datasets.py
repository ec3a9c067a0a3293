"""Small classification data sets for the LR finder page: three 2-D toys and a real one.

Every set is made (or loaded) with a fixed seed, shuffled, split into a training and a
validation part (:data:`VAL_FRACTION` of the points go to validation) and standardised with
the *training* part's mean and standard deviation, so that no validation statistic leaks
into training. Labels are integers ``0 … n_classes − 1``; features are float32.

- ``moons``: two interleaving half circles, as ``sklearn.datasets.make_moons``: the upper
  arc :math:`(\\cos t, \\sin t)` and the lower arc :math:`(1 - \\cos t, 1/2 - \\sin t)`,
  :math:`t \\in [0, \\pi]`, plus Gaussian noise of standard deviation 0.2.
- ``circles``: a circle of radius 1 around one of radius 0.5 (``make_circles`` with
  ``factor=0.5``), noise 0.1.
- ``spirals``: two arms :math:`r = t`, angle :math:`t` and :math:`t + \\pi`,
  :math:`t \\in [0.25, 3\\pi]` (a classic hard toy for small MLPs), noise 0.15.
- ``digits``: the 1,797 8×8 handwritten digits that scikit-learn ships inside its package
  (``sklearn.datasets.load_digits``; the UCI "Optical Recognition of Handwritten Digits"
  test set), 64 features and 10 classes; nothing is downloaded.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lrviz.i18n import Key

__all__ = ["DATASETS", "Dataset", "load"]

VAL_FRACTION = 0.25
N_POINTS = 600  # of each 2-D toy set, both classes together
SEED = 0


@dataclass(frozen=True, eq=False)
class Dataset:
    """A split, standardised data set. ``eq=False``: compared (and hashed) by identity."""

    name: str
    x_train: np.ndarray  # (n_train, dim) float32
    y_train: np.ndarray  # (n_train,) int32
    x_val: np.ndarray  # (n_val, dim) float32
    y_val: np.ndarray  # (n_val,) int32
    n_classes: int

    @property
    def dim(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def info(self) -> DatasetInfo:
        return DATASETS[self.name]


@dataclass(frozen=True)
class DatasetInfo:
    """A data set's id and size; its words are ``dataset.<name>.title`` and ``.summary``."""

    name: str
    size: int = N_POINTS  # points before the split

    @property
    def title(self) -> Key:
        return Key(f"dataset.{self.name}.title")

    @property
    def summary(self) -> Key:
        return Key(f"dataset.{self.name}.summary")

    @property
    def n_train(self) -> int:
        return self.size - round(VAL_FRACTION * self.size)


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo("moons"),
        DatasetInfo("circles"),
        DatasetInfo("spirals"),
        DatasetInfo("digits", size=1797),
    )
}  # fmt: skip


def _moons(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    t_upper, t_lower = np.linspace(0, np.pi, half), np.linspace(0, np.pi, n - half)
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1)
    lower = np.stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1)
    x = np.concatenate([upper, lower]) + rng.normal(0, 0.2, (n, 2))
    return x, np.repeat([0, 1], [half, n - half])


def _circles(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    t_out = np.linspace(0, 2 * np.pi, half, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n - half, endpoint=False)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = 0.5 * np.stack([np.cos(t_in), np.sin(t_in)], axis=1)
    x = np.concatenate([outer, inner]) + rng.normal(0, 0.1, (n, 2))
    return x, np.repeat([0, 1], [half, n - half])


def _spirals(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    arms = []
    for k, count in enumerate((half, n - half)):
        t = np.linspace(0.25, 3 * np.pi, count)
        arms.append(np.stack([t * np.cos(t + k * np.pi), t * np.sin(t + k * np.pi)], axis=1))
    x = np.concatenate(arms) / np.pi + rng.normal(0, 0.15, (n, 2))
    return x, np.repeat([0, 1], [half, n - half])


def _digits(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The file ``load_digits`` reads (one row per image: 64 pixels, then the label), read here
    without importing scikit-learn: 0.2 s instead of 2.4 s. Should a later scikit-learn move it,
    ``load_digits`` itself is asked."""
    del rng, n  # a fixed set
    spec = importlib.util.find_spec("sklearn")  # finds the package without running it
    package = Path(spec.origin).parent if spec is not None and spec.origin else None
    bundled = package / "datasets" / "data" / "digits.csv.gz" if package is not None else None
    if bundled is not None and bundled.is_file():
        table = np.loadtxt(bundled, delimiter=",")
        return table[:, :-1], table[:, -1].astype(int)
    from sklearn.datasets import load_digits  # imported here: it takes a second or two

    bunch = load_digits()
    return bunch.data, bunch.target


_MAKERS = {"moons": _moons, "circles": _circles, "spirals": _spirals, "digits": _digits}


@functools.cache
def load(name: str) -> Dataset:
    """The data set ``name`` (one of :data:`DATASETS`), split and standardised; cached.

    Raises ``ValueError`` naming the allowed ids for an unknown name.
    """
    if name not in _MAKERS:
        raise ValueError(f"`name` (={name!r}) must be one of: {', '.join(DATASETS)}.")
    rng = np.random.default_rng(SEED)
    x, y = _MAKERS[name](rng, N_POINTS)
    order = rng.permutation(len(y))
    x, y = np.asarray(x, float)[order], np.asarray(y)[order]
    n_val = round(VAL_FRACTION * len(y))
    x_train, x_val, y_train, y_val = x[n_val:], x[:n_val], y[n_val:], y[:n_val]
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)  # digits has pixels that are always blank
    return Dataset(
        name=name,
        x_train=((x_train - mean) / std).astype(np.float32),
        y_train=y_train.astype(np.int32),
        x_val=((x_val - mean) / std).astype(np.float32),
        y_val=y_val.astype(np.int32),
        n_classes=int(y.max()) + 1,
    )
