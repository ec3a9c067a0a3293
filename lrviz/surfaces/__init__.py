"""Loss surfaces: the registry of 1-D and 2-D surfaces, the safe formula parser, critical points.

The public face of the package (DESIGN.md): :func:`get`, :data:`SURFACES`,
:func:`from_expression` and :class:`ExpressionError`, with the :class:`Surface` type.
A new surface is one entry in ``_registry.py`` plus its title and lesson in
``assets/locales/<lang>/library.toml`` (``surface.<id>.title``, ``.lesson``).
"""

from lrviz.surfaces._expression import ExpressionError
from lrviz.surfaces._registry import SURFACES, Surface, from_expression, get

__all__ = ["SURFACES", "ExpressionError", "Surface", "from_expression", "get"]
