"""How PyTorch, Keras 3 and optax write an optimizer: data on each spec, read by :mod:`lrviz.export`.

Every :class:`~lrviz.optimizers.OptimizerSpec` carries a :class:`Code`: the torch class and its
defaults (arguments equal to them are left out), the Keras class and the optax factory with
their arguments mapped from our (torch's) parameter names, and the comments a student should
read where the library's numbers differ from torch's. Nothing here formats numbers or writes
code: :mod:`lrviz.export.optimizers` does, the same way for every optimizer, so a new
optimizer brings its own code knowledge and cannot silently inherit another's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from lrviz.i18n import Key, t


class Arg(NamedTuple):
    """One keyword argument ``key=value`` of a library's call.

    The value is our parameter ``param`` (its element ``index`` for a tuple such as ``betas``),
    or the fixed ``value`` when ``param`` is None. ``when="set"`` writes the argument only where
    the value is set (non-zero, True); a parameter the optimizer does not have is never set.
    """

    key: str
    param: str | None = None
    index: int | None = None
    value: Any = None
    when: Literal["always", "set"] = "always"


class Note(NamedTuple):
    """A comment for the student, named by a :class:`~lrviz.i18n.Key` of the locale files
    (``code.note.<name>``; one comment line per line of the text). Its ``{placeholders}`` are the
    Key's own values (``lib``) and the optimizer's parameters (``{name}`` fills in parameter
    ``name``). Shown always, or only where parameter ``when`` is set."""

    text: Key
    when: str | None = None

    def say(self, lang: str, **params: object) -> str:
        """The note in ``lang``, filled from the Key's values and the parameters ``params``."""
        return t(self.text.key, lang, **{**params, **dict(self.text.values)})


class TorchCall(NamedTuple):
    """``<module>.<cls>``: ``defaults`` are the class's own (arguments equal to them are left
    out), ``fixed`` the arguments the optimizer implies (``nesterov=True``). ``module`` is
    ``torch.optim``, or the package that has the class (``schedulefree``: imported by the code)."""

    cls: str
    defaults: Mapping[str, Any]
    fixed: Mapping[str, Any] = {}
    module: str = "torch.optim"


class KerasCall(NamedTuple):
    """``keras.optimizers.<cls>(learning_rate=..., *args)`` and its notes.

    ``decay_is_l2_without_momentum``: Keras' (decoupled) ``weight_decay`` is torch's L2 step
    exactly while the update is the plain gradient (SGD without momentum), so it is passed as
    an argument there; elsewhere torch's L2 is explained as a layer regulariser.
    """

    cls: str
    args: tuple[Arg, ...] = ()
    notes: tuple[Note, ...] = ()
    decay_is_l2_without_momentum: bool = False


class OptaxCall(NamedTuple):
    """``<func>(rate, *args)`` and its notes; ``switch`` = (parameter, other factory) uses the
    other factory where that parameter is set (``amsgrad`` -> ``optax.amsgrad``).

    ``schedule_free``: ``func`` is ``optax.contrib.schedule_free`` around this base step (``"sgd"``
    or ``"adamw"``), written with the package's rates (:func:`lrviz.export.optimizers.optax_optimizer`).
    """

    func: str
    args: tuple[Arg, ...] = ()
    notes: tuple[Note, ...] = ()
    switch: tuple[str, str] | None = None
    schedule_free: Literal["sgd", "adamw"] | None = None


class Code(NamedTuple):
    """An optimizer in the three libraries. ``decay``: torch's ``weight_decay`` is L2 (added to the
    gradient: the export adds it where a library lacks it) or decoupled (AdamW: an argument)."""

    torch: TorchCall
    keras: KerasCall
    optax: OptaxCall
    decay: Literal["l2", "decoupled"] = "l2"
