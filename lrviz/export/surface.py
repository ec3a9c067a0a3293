"""A surface as source code: ``def loss_fn(p)`` in PyTorch, Keras 3 (``keras.ops``) or JAX.

A built-in surface is one formula written once for any array module (``formula(x, y, xp=...)``,
:mod:`lrviz.surfaces._registry`). :func:`trace` calls it with symbols for ``x`` and ``y`` and a
symbolic ``xp``: every arithmetic operation and every ``xp.<function>`` builds a node instead of
a number, so the formula's own Python gives its expression graph, in its own order of operations
(float32 rounding then follows lrviz's step for step). A formula typed by a user is not traced:
its parsed syntax tree (:mod:`lrviz.surfaces._expression`) is walked node by node. Nothing is
evaluated, and nothing here knows a surface by its id, so a new surface is written out the day
it is added (``tests/export/test_surface.py`` runs over every entry).

:func:`loss_function` writes the graph as Python with minimal parentheses; a sub-expression used
more than once (Ackley's ``r2``), or a long function call, gets a line and a name of its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from lrviz.surfaces import Surface
from lrviz.surfaces._expression import FUNCTIONS, Binary, Call, Node, Number, Unary, Variable

__all__ = ["ARRAY_MODULES", "Sym", "loss_function", "trace"]

ArrayLib = Literal["torch", "keras", "optax"]
# What each script calls its array module.
ARRAY_MODULES: dict[str, str] = {"torch": "torch", "keras": "ops", "optax": "jnp"}
_FUNCTIONS = frozenset(FUNCTIONS.values()) | {"where"}
_LONG_CALL = 40
_LEVEL = {"<": 0, ">": 0, "<=": 0, ">=": 0, "+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


@dataclass(frozen=True, eq=False)
class Sym:
    """A node of a traced formula: ``op`` is ``const``, ``var``, ``neg``, a binary operator, a
    comparison or ``call`` (``name`` the function); ``value`` a constant's number or a variable's
    name, ``text`` how a constant is written when not as its number (``math.pi``)."""

    op: str
    args: tuple[Sym, ...] = ()
    value: Any = None
    name: str = ""
    text: str | None = field(default=None)

    def _bin(self, op: str, other: Any, flip: bool = False) -> Sym:
        other = _sym(other)
        return Sym(op, (other, self) if flip else (self, other))

    def __add__(self, o): return self._bin("+", o)
    def __radd__(self, o): return self._bin("+", o, True)
    def __sub__(self, o): return self._bin("-", o)
    def __rsub__(self, o): return self._bin("-", o, True)
    def __mul__(self, o): return self._bin("*", o)
    def __rmul__(self, o): return self._bin("*", o, True)
    def __truediv__(self, o): return self._bin("/", o)
    def __rtruediv__(self, o): return self._bin("/", o, True)
    def __pow__(self, o): return self._bin("**", o)
    def __rpow__(self, o): return self._bin("**", o, True)
    def __gt__(self, o): return self._bin(">", o)
    def __lt__(self, o): return self._bin("<", o)
    def __ge__(self, o): return self._bin(">=", o)
    def __le__(self, o): return self._bin("<=", o)
    def __neg__(self): return Sym("neg", (self,))
    def __pos__(self): return self

    def __bool__(self) -> bool:
        raise TypeError("a surface's formula branches in Python on a value; write it with xp.where "
                        "so that it can be traced (and jitted).")


def _sym(value: Any) -> Sym:
    if isinstance(value, Sym):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a surface's formula used {value!r}; only numbers, x, y and xp functions trace.")
    return Sym("const", value=value)


class _Namespace:
    """A symbolic ``xp``: ``xp.cos(node)`` is a node (only the functions formulas may use)."""

    def __getattr__(self, name: str) -> Callable[..., Sym]:
        if name not in _FUNCTIONS:
            raise AttributeError(f"xp.{name} cannot be written out as code (allowed: {sorted(_FUNCTIONS)}).")
        return lambda *args: Sym("call", tuple(_sym(a) for a in args), name=name)


def _from_tree(node: Node, power: bool = False) -> Sym:
    """Our node for a typed formula's parsed node, as ``_expression._evaluate`` reads it."""
    match node:
        case Number(value=value, symbol=symbol):
            # Constants are floats, except an integer power (kept exact, as the evaluator does).
            number = value if power and isinstance(value, int) else float(value)
            return Sym("const", value=number, text=f"math.{symbol}" if symbol else None)
        case Variable(name=name):
            return Sym("var", name=name)
        case Unary(op=op, operand=operand):
            inner = _from_tree(operand)
            return Sym("neg", (inner,)) if op == "-" else inner
        case Binary(op=op, left=left, right=right):
            return Sym(op, (_from_tree(left), _from_tree(right, power=op == "**")))
        case Call(name=name, arg=arg):
            return Sym("call", (_from_tree(arg),), name=FUNCTIONS[name])
    raise TypeError(f"not an expression node: {node!r}")


def trace(surface: Surface) -> Sym:
    """The expression graph of ``surface``'s loss in ``x`` (and ``y``)."""
    if surface.expression is not None:  # typed by a user: walk its syntax tree
        return _from_tree(surface.expression.tree)
    names = ("x", "y")[: surface.dim]
    return _sym(surface.formula(*(Sym("var", name=n) for n in names), xp=_Namespace()))


def _constant(node: Sym) -> tuple[str, int]:
    """A constant's source and its binding strength (a negative number binds like unary minus)."""
    if node.text is not None:
        return node.text, 5
    value = node.value
    for k in (1, 2, 3, 4):
        if isinstance(value, float) and abs(value) == k * math.pi:
            text = ("math.pi" if k == 1 else f"{k} * math.pi")
            return ("-" + text if value < 0 else text), (2 if k > 1 else 3 if value < 0 else 5)
    if value == math.e:
        return "math.e", 5
    text = repr(value)
    return text, 3 if value < 0 else 5


class _Writer:
    """Writes a graph as Python lines; nodes used more than once are named ``t1``, ``t2``, ..."""

    def __init__(self, xp: str) -> None:
        self.xp, self.lines, self.names, self.uses = xp, [], {}, {}

    def count(self, node: Sym) -> None:
        self.uses[id(node)] = self.uses.get(id(node), 0) + 1
        if self.uses[id(node)] == 1:
            for arg in node.args:
                self.count(arg)

    def write(self, node: Sym) -> tuple[str, int]:
        """Source of ``node`` and its binding strength (5: an atom)."""
        if id(node) in self.names:
            return self.names[id(node)], 5
        text, level = self._expr(node)
        shared = self.uses.get(id(node), 0) > 1 and node.op not in ("const", "var")
        if shared or (node.op == "call" and len(text) > _LONG_CALL):  # a long call gets a line too
            name = f"t{len(self.names) + 1}"
            self.lines.append(f"{name} = {text}")
            self.names[id(node)] = name
            return name, 5
        return text, level

    def _expr(self, node: Sym) -> tuple[str, int]:
        if node.op == "const":
            return _constant(node)
        if node.op == "var":
            return node.name, 5
        if node.op == "call":
            return f"{self.xp}.{node.name}({', '.join(self.write(a)[0] for a in node.args)})", 5
        if node.op == "neg":
            inner, level = self.write(node.args[0])
            return "-" + (f"({inner})" if level < 3 else inner), 3
        level = _LEVEL[node.op]
        (a, la), (b, lb) = self.write(node.args[0]), self.write(node.args[1])
        if node.op == "**":  # right-associative, and binds tighter than a unary minus on its left
            return f"{_wrap(a, la <= 4)} ** {_wrap(b, lb < 3)}", level
        return f"{_wrap(a, la < level)} {node.op} {_wrap(b, lb <= level)}", level


def _wrap(text: str, parens: bool) -> str:
    return f"({text})" if parens else text


def loss_function(surface: Surface, library: ArrayLib, doc: str) -> list[str]:
    """``def loss_fn(p)`` for ``library``: ``p`` holds the point's coordinates; ``doc`` its docstring."""
    graph = trace(surface)
    writer = _Writer(ARRAY_MODULES[library])
    writer.count(graph)
    result, _ = writer.write(graph)
    unpack = "x = p[0]" if surface.dim == 1 else "x, y = p[0], p[1]"
    return ["def loss_fn(p):", f'    """{doc}"""', f"    {unpack}",
            *(f"    {line}" for line in writer.lines), f"    return {result}"]


def uses_math(lines: list[str]) -> bool:
    """Whether the written lines need ``import math``."""
    return any("math." in line for line in lines)
