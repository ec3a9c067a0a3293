r"""What the learning rate does to a real network's curvature: the edge of stability, catapults, warm-up.

Small tanh networks under squared loss, trained full-batch in JAX with many rates at once, their
sharpness (the largest eigenvalue of the loss's Hessian, :mod:`lrviz.nn.curvature`) measured as
they train:

- :func:`stability`: gradient descent's sharpness rises to :math:`2/\eta` and hovers there
  (Cohen et al., ICLR 2021), and how far each run strays from gradient flow;
- :func:`adam_edge`: Adam's preconditioned sharpness and its threshold :math:`38/\eta`
  (Cohen et al. 2022);
- :func:`catapult`: rates across :math:`2/\lambda_0` settle, catapult or diverge
  (Lewkowycz et al. 2020);
- :func:`warmup_grid`, :func:`warmup_pair`: peak rate × warm-up length, and the sharpness with
  and without warm-up (Gilmer et al. 2021; Kalra & Barkeshli 2024).

Each is pure (no streamlit) and takes ``progress(fraction)``; :func:`descend` is the shared runner.
"""

from lrviz.nn.edge._catapult import MULTIPLES, REGIMES, Catapult, Regime, catapult, classify
from lrviz.nn.edge._descent import BLOW_UP, PIECE, Descent, Start, descend, start
from lrviz.nn.edge._flow import Flow, flow
from lrviz.nn.edge._net import NARROW, WIDE, Network, problem
from lrviz.nn.edge._stability import (
    ADAM_LRS,
    EOS_LRS,
    AdamEdge,
    Stability,
    Summary,
    adam_edge,
    adam_threshold,
    stability,
    summarize,
)
from lrviz.nn.edge._warmup import LENGTHS, PEAKS, WarmupGrid, warmup_grid, warmup_pair

__all__ = [
    "ADAM_LRS", "BLOW_UP", "EOS_LRS", "LENGTHS", "MULTIPLES", "NARROW", "PEAKS", "PIECE", "REGIMES", "WIDE",
    "AdamEdge", "Catapult",
    "Descent", "Flow", "Network", "Regime", "Stability", "Start", "Summary", "WarmupGrid", "adam_edge",
    "adam_threshold", "catapult", "classify", "descend", "flow", "problem", "stability", "start", "summarize",
    "warmup_grid", "warmup_pair",
]
