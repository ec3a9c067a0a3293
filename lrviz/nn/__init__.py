"""Small real networks in JAX: data sets, an MLP trained many rates at once, the LR range test, search,
and the curvature a learning rate leaves behind.

:mod:`~lrviz.nn.datasets` (two moons, circles, spirals, scikit-learn's bundled digits),
:mod:`~lrviz.nn.mlp` (training, one ``vmap`` over rates or seeds), :mod:`~lrviz.nn.range_test`
(Smith's range test and the rules that read a rate off it), :mod:`~lrviz.nn.search`
(checks of the suggestions, grid and random search, generalization), :mod:`~lrviz.nn.curvature`
(:func:`sharpness`: the largest Hessian eigenvalue by Lanczos) and :mod:`~lrviz.nn.edge` (the edge
of stability, Adam's edge, catapults, warm-up).
"""

from lrviz.nn.curvature import sharpness

__all__ = ["sharpness"]
