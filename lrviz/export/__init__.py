"""The same schedule and optimizer as code for PyTorch, Keras 3 and optax, with lrviz's numbers.

:func:`~lrviz.export.schedule.export` writes a schedule with its optimizer for the three
libraries; where a library lacks a piece, or its version's numbers differ, the code writes
the formula out and says why.
"""
