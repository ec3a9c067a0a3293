"""Learning-rate schedules with the numbers of ``torch.optim.lr_scheduler``, and ReduceLROnPlateau.

The public face of the package (DESIGN.md): :func:`make` and :data:`SCHEDULES`, with
:func:`get`, :func:`for_steps` and the plateau's state for the engine's scan.
A new schedule is one entry in ``_registry.py``.
"""

from lrviz.schedules._registry import (
    HORIZONS,
    SCHEDULES,
    Plateau,
    PlateauState,
    ScheduleSpec,
    for_steps,
    get,
    make,
    plateau_rates,
)

__all__ = ["HORIZONS", "SCHEDULES", "Plateau", "PlateauState", "ScheduleSpec", "for_steps", "get", "make",
           "plateau_rates"]
