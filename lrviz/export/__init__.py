"""The same run or schedule as code for PyTorch, Keras 3 and optax, with lrviz's numbers.

:func:`script` writes a whole run of :func:`lrviz.engine.run` (surface, optimizer, schedule,
start, steps, noise, clipping) as a script that prints the loss after every update;
:func:`~lrviz.export.schedule.export` writes a schedule with its optimizer for the three
libraries, as the schedules page shows it. Both use the same pieces; where a library lacks a
piece, or its version's numbers differ, the code writes the formula out and says why.
"""

from lrviz.export.scripts import SCRIPT_LIBRARIES, ScriptLibrary, script

__all__ = ["SCRIPT_LIBRARIES", "ScriptLibrary", "script"]
