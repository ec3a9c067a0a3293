"""Safe formulas in ``x`` (1-D) or ``x`` and ``y`` (2-D), typed by students.

Nothing here runs user text: no ``eval`` or ``exec``, and ``compile`` only inside
``ast.parse``, which builds a syntax tree and executes nothing. :func:`parse` works in
three cheap stages, each raising :class:`ExpressionError` with a message in English and
Korean that says what is wrong and at which column (1-based, in the typed text):

1. **Characters and tokens**, in linear time, before any parser runs: the text must be
   non-blank, at most 200 characters of printable ASCII (no quotes, ``#`` or ``\\``);
   brackets must balance and nest at most 12 deep; and an operator must stand between
   two operands: implicit multiplication (``2x``, ``sin x``, ``(x+1)(x-1)``) is not
   supported, write ``2*x``. So ``"(" * 5000`` never reaches Python's recursive parser.
2. **Syntax**: ``^`` is replaced by ``**`` *before* parsing (students write ``x^2``;
   Python's ``^`` is xor and binds looser than ``+``), then ``ast.parse(text, "eval")``.
3. **Whitelist**: one visitor turns the syntax tree into our own immutable nodes
   (:class:`Number`, :class:`Variable`, :class:`Unary`, :class:`Binary`, :class:`Call`)
   and rejects every other construct (attributes, subscripts, lambdas, comparisons, ...).

The grammar, with Python's precedence (``**`` binds tighter than unary minus, so
``-x**2`` is ``-(x**2)``, and ``2**-x`` is allowed)::

    expr := expr ('+' | '-' | '*' | '/' | '**' | '^') expr | ('-' | '+') expr
          | '(' expr ')' | number | x | y (2-D only) | pi | e | func '(' expr ')'
    func := sin cos tan exp log ln sqrt abs tanh sinh cosh arctan atan

Limits: at most 150 nodes; literals at most 1e6 in magnitude; a constant exponent
(folded in float64, so ``9**9**9`` costs nothing) must lie in [-10, 10]; no division by
a constant zero; every constant part must be finite (``log(0)`` is not); and the formula
must mention a variable, since a constant surface has no slope to follow.
"""

from __future__ import annotations

import ast
import keyword
import math
import operator
import re
from dataclasses import dataclass
from typing import Any, NoReturn

import jax.numpy as jnp
import numpy as np

from lrviz.i18n import BilingualError, Key

MAX_LENGTH, MAX_DEPTH, MAX_NODES, MAX_LITERAL, MAX_EXPONENT = 200, 12, 150, 1e6, 10
FUNCTIONS = {name: name for name in ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sinh",
                                     "cosh", "arctan")} | {"atan": "arctan", "ln": "log"}  # -> xp name
CONSTANTS = {"pi": math.pi, "e": math.e}

_APPLY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}  # unary minus 3, atoms 5
_TOKEN = re.compile(r"(?P<number>(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)"
                    r"|(?P<name>[A-Za-z_]\w*)|(?P<space> +)|(?P<op>\*\*|//|<<|>>|[<>=!:]=|.)", re.ASCII)
_BAD_CHAR = re.compile(r"[^ -~]|['\"#\\]")
_LOOKALIKES = {"−": "-", "–": "-", "×": "*", "·": "*", "÷": "/", "²": "^2", "³": "^3", "π": "pi"}
_OPEN, _CLOSE = "([{", ")]}"


class ExpressionError(BilingualError):
    """A formula we refuse: ``message`` (a key of the locale files), ``column`` (1-based) or None."""

    def __init__(self, message: Key, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, e.g. across Streamlit's caches
        return type(self), (self.message, self.column)


def _fail(column: int | None, key: str, **fields: Any) -> NoReturn:
    """Raise the catalogued message ``expression.<key>``; ``{at}`` becomes the column in words."""
    at = Key("expression.at", column=column) if column else ""
    raise ExpressionError(Key(f"expression.{key}", at=at, **fields), column)


@dataclass(frozen=True, slots=True)
class Number:
    value: int | float
    symbol: str | None = None  # "pi" or "e" for a named constant


@dataclass(frozen=True, slots=True)
class Variable:
    name: str  # "x" or "y"


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-" or "+"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # "+", "-", "*", "/" or "**"
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # as typed: a key of FUNCTIONS
    arg: Node


Node = Number | Variable | Unary | Binary | Call


@dataclass(frozen=True)
class Expression:
    """A checked formula; ``text`` is its canonical form (parsing it gives the same ``tree``)."""

    text: str
    dim: int
    tree: Node

    def evaluate(self, x: Any, y: Any = None, *, xp: Any = jnp) -> Any:
        """The formula at ``x`` (and ``y``), elementwise; ``xp`` is ``jax.numpy`` or ``numpy``."""
        if (y is None) != (self.dim == 1):
            raise ValueError(f"a {self.dim}-D formula takes {'x only' if self.dim == 1 else 'x and y'}")
        env = {"x": xp.asarray(x) * 1.0}  # * 1.0: integers become floats, float dtypes are kept
        if y is None:
            return _evaluate(self.tree, env, xp)
        env["y"] = xp.asarray(y) * 1.0
        shape = xp.broadcast_shapes(xp.shape(env["x"]), xp.shape(env["y"]))
        return xp.broadcast_to(_evaluate(self.tree, env, xp), shape)  # also when y is unused

    def to_latex(self) -> str:
        """A readable LaTeX rendering, e.g. ``x^{2} + \\sin\\left(3 x\\right)``."""
        return _latex(self.tree)


def _evaluate(node: Node, env: dict[str, Any], xp: Any) -> Any:
    match node:
        case Number(value=value):
            return float(value)
        case Variable(name=name):
            return env[name]
        case Unary(op=op, operand=operand):
            value = _evaluate(operand, env, xp)
            return -value if op == "-" else value
        case Binary(op="**", left=left, right=Number(value=int() as power)):
            return _evaluate(left, env, xp) ** power  # integer power: exact, fine for negative bases
        case Binary(op=op, left=left, right=right):
            return _APPLY[op](_evaluate(left, env, xp), _evaluate(right, env, xp))
        case Call(name=name, arg=arg):
            return getattr(xp, FUNCTIONS[name])(_evaluate(arg, env, xp))
    raise TypeError(f"not an expression node: {node!r}")


def parse(text: str, dim: int) -> Expression:
    """Check ``text`` and turn it into an :class:`Expression` in ``x`` (dim 1) or ``x``, ``y`` (dim 2)."""
    if dim not in (1, 2):
        raise ValueError(f"`dim` (={dim!r}) must be 1 or 2")
    if len(text) > MAX_LENGTH:
        _fail(None, "long", n=len(text), max=MAX_LENGTH)
    text = re.sub(r"\s", " ", text)
    if not text.strip():
        _fail(None, "empty", example="x**2" if dim == 1 else "x**2 + y**2")
    _check_tokens(text)
    start = len(text) - len(text.lstrip())
    source, origin = "", []  # the text ast.parse sees, and each of its characters' index in ``text``
    for i, char in enumerate(text.strip(), start):
        source += "**" if char == "^" else char
        origin += [i, i] if char == "^" else [i]
    try:
        body = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError) as err:
        offset = getattr(err, "offset", None)
        if offset is None or not 1 <= offset <= len(source):
            _fail(None, "incomplete")
        column = origin[offset - 1]
        token = _TOKEN.match(text, column).group()  # type: ignore[union-attr]  # as typed: ^, not **
        _fail(column + 1, {";": "semicolon", "=": "equals"}.get(token, "unexpected"), t=token)
    walk = _Walk(source, origin, dim)
    with np.errstate(all="ignore"):
        tree, value = _visit(body, walk)
    if value is not None:
        _fail(None, "constant", names=Key(f"expression.names_{dim}d"))
    return Expression(_text(tree), dim, tree)


def _check_tokens(text: str) -> None:
    """Plain characters, balanced and shallow brackets, and an operator between two operands."""
    if bad := _BAD_CHAR.search(text):
        char, column = bad.group(), bad.start() + 1
        key = "lookalike" if char in _LOOKALIKES else "quote" if char in "'\"" else "char" if char in "#\\" \
            else "unicode"
        _fail(column, key, c=char, hint=_LOOKALIKES.get(char), u=ord(char))
    stack: list[re.Match[str]] = []
    previous = None
    for token in _TOKEN.finditer(text):
        if token.lastgroup == "space":
            continue
        if token.group() in _OPEN:
            stack.append(token)
            if len(stack) > MAX_DEPTH:
                _fail(token.start() + 1, "deep", n=MAX_DEPTH)
        elif token.group() in _CLOSE:
            if not stack:
                _fail(token.start() + 1, "unmatched", t=token.group())
            opener = stack.pop()
            if _OPEN.index(opener.group()) != _CLOSE.index(token.group()):
                _fail(token.start() + 1, "mismatch", t=token.group(), o=opener.group(), oc=opener.start() + 1)
        if previous is not None:
            _check_adjacent(previous, token)
        previous = token
    if stack:
        opener = stack[-1]
        _fail(opener.start() + 1, "unclosed", o=opener.group(), c=_CLOSE[_OPEN.index(opener.group())])


def _check_adjacent(previous: re.Match[str], token: re.Match[str]) -> None:
    """Reject implicit multiplication (``2x``, ``x(x+1)``, ``)(``) and ``sin x`` with a hint."""
    a, b = previous.group(), token.group()
    starts = token.lastgroup == "number" or b == "("
    starts |= token.lastgroup == "name" and not keyword.iskeyword(b)
    if a in FUNCTIONS and starts and b != "(":
        _fail(token.start() + 1, "parens", f=a, a=b)
    ends = previous.lastgroup == "number" or a == ")" or a in ("x", "y", *CONSTANTS)
    glued = previous.lastgroup == "number" and token.lastgroup == "name" and previous.end() == token.start()
    if (ends and starts) or glued:  # glued: ``1if``, which Python itself only warns about
        _fail(token.start() + 1, "operand", a=a, b=b)


@dataclass
class _Walk:
    """What the visitor needs: the parsed source, its map back to typed columns, a node budget."""

    source: str
    origin: list[int]
    dim: int
    nodes: int = 0

    def offset(self, node: ast.AST) -> int:
        """Where ``node`` starts in ``source``; for an operator node, where its operator is."""
        field = _ANCHORS.get(type(node))
        if field is None:
            return node.col_offset  # type: ignore[attr-defined]
        anchor = getattr(node, field)
        anchor = anchor[0] if isinstance(anchor, list) else anchor  # BoolOp.values
        rest = self.source[anchor.end_col_offset:]
        return len(self.source) - len(rest.lstrip(" )"))

    def column(self, node: ast.AST) -> int:
        return self.origin[min(self.offset(node), len(self.origin) - 1)] + 1

    def segment(self, node: ast.AST) -> str:
        """The source of ``node``, shortened for a message."""
        text = ast.get_source_segment(self.source, node) or "?"
        return text if len(text) <= 30 else text[:27] + "..."

    def fail(self, node: ast.AST, key: str, **fields: Any) -> NoReturn:
        """Fail at ``node``, offering its token ``t`` and source ``s`` to the message."""
        token = _TOKEN.match(self.source, self.offset(node))
        _fail(self.column(node), key, t=token.group() if token else "", s=self.segment(node), **fields)

    def constant(self, node: ast.AST, fn: Any, *values: float | None) -> float | None:
        """``fn`` of the children's constant values in float64; None if a variable is involved."""
        if any(v is None for v in values):
            return None
        value = float(fn(*(np.float64(v) for v in values)))
        if not math.isfinite(value):
            self.fail(node, "infinite", v=value)
        return value


def _visit(node: ast.AST, walk: _Walk) -> tuple[Node, float | None]:
    """Our node for ``node`` and its value when it is a constant (None when it uses x or y)."""
    walk.nodes += 1
    if walk.nodes > MAX_NODES:
        walk.fail(node, "nodes", n=MAX_NODES)
    if handler := _HANDLERS.get(type(node)):
        return handler(node, walk)
    walk.fail(node, next((key for kinds, key in _REJECTED.items() if isinstance(node, kinds)), "other"))


def _constant(node: ast.Constant, walk: _Walk) -> tuple[Node, float | None]:
    if type(node.value) not in (int, float):
        walk.fail(node, "not_number")
    if not abs(node.value) <= MAX_LITERAL:
        walk.fail(node, "big_number")
    return Number(node.value), float(node.value)


def _name(node: ast.Name, walk: _Walk) -> tuple[Node, float | None]:
    name = node.id
    if name == "x" or (name == "y" and walk.dim == 2):
        return Variable(name), None
    if name in CONSTANTS:
        return Number(CONSTANTS[name], name), CONSTANTS[name]
    if name == "y" or name in FUNCTIONS:
        walk.fail(node, "y_in_1d" if name == "y" else "function_name", n=name)
    letters = {"x", "e", "y"} if walk.dim == 2 else {"x", "e"}
    hint = "*".join(name) if 1 < len(name) <= 4 and set(name) <= letters else ""  # xy -> x*y
    walk.fail(node, "unknown_name_hint" if hint else "unknown_name", n=walk.segment(node), h=hint,
              ok="x, y, pi, e" if walk.dim == 2 else "x, pi, e")


def _unary(node: ast.UnaryOp, walk: _Walk) -> tuple[Node, float | None]:
    op = {ast.USub: "-", ast.UAdd: "+"}.get(type(node.op))
    if op is None:
        walk.fail(node, "operator")
    operand, value = _visit(node.operand, walk)
    return Unary(op, operand), (None if value is None else -value if op == "-" else value)


def _binary(node: ast.BinOp, walk: _Walk) -> tuple[Node, float | None]:
    op = _BINARY.get(type(node.op))
    if op is None:
        walk.fail(node, "operator")
    (left, a), (right, b) = _visit(node.left, walk), _visit(node.right, walk)
    if op == "/" and b == 0:
        walk.fail(node, "division", d=walk.segment(node.right))
    if op == "**" and b is not None and abs(b) > MAX_EXPONENT:
        walk.fail(node, "exponent", p=walk.segment(node.right), v=b, m=MAX_EXPONENT)
    return Binary(op, left, right), walk.constant(node, _APPLY[op], a, b)


def _call(node: ast.Call, walk: _Walk) -> tuple[Node, float | None]:
    if not isinstance(node.func, ast.Name):
        _visit(node.func, walk)  # rejects attribute access, subscripts, ...
        walk.fail(node, "not_callable", f=", ".join(FUNCTIONS))
    name = node.func.id
    if name not in FUNCTIONS:
        walk.fail(node, "unknown_function", n=walk.segment(node.func), f=", ".join(FUNCTIONS))
    if node.keywords:
        walk.fail(node.keywords[0], "keyword_arg", n=name)
    if len(node.args) != 1:
        walk.fail(node, "arity", n=name, k=len(node.args))
    arg, value = _visit(node.args[0], walk)
    return Call(name, arg), walk.constant(node, getattr(np, FUNCTIONS[name]), value)


_HANDLERS: dict[type, Any] = {ast.Constant: _constant, ast.Name: _name, ast.UnaryOp: _unary,
                              ast.BinOp: _binary, ast.Call: _call}
_REJECTED: dict[type | tuple[type, ...], str] = {
    ast.Attribute: "attribute", ast.Subscript: "subscript", ast.Lambda: "lambda", ast.IfExp: "if",
    (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp): "loop", ast.Compare: "compare",
    ast.BoolOp: "logic", (ast.List, ast.Tuple, ast.Set, ast.Dict): "collection", ast.NamedExpr: "walrus"}
_ANCHORS = {ast.BinOp: "left", ast.Compare: "left", ast.BoolOp: "values", ast.Attribute: "value",
            ast.Subscript: "value", ast.NamedExpr: "target", ast.IfExp: "body"}  # the operator follows it

# Every message a student can see. ``{at}`` is " at column 5" / " (5번째 글자)", or empty.
MESSAGES = (  # the refusals, ``expression.<key>`` in the locale files
    "long", "empty", "lookalike", "quote", "char", "unicode", "deep", "unmatched", "mismatch", "unclosed",
    "parens", "operand", "incomplete", "unexpected", "semicolon", "equals", "nodes", "not_number",
    "big_number", "y_in_1d", "function_name", "unknown_name", "unknown_name_hint", "operator", "division",
    "exponent", "infinite", "not_callable", "unknown_function", "keyword_arg", "arity", "constant",
    "attribute", "subscript", "lambda", "if", "loop", "compare", "logic", "collection", "walrus", "other",
)


def _precedence(node: Node, latex: bool = False) -> int:
    """Binding strength: + - 1, * / 2, unary 3, ** 4, atoms 5 (in LaTeX a fraction is an atom)."""
    if isinstance(node, Binary):
        return 5 if latex and node.op == "/" else _PRECEDENCE[node.op]
    return 3 if isinstance(node, Unary) else 5


def _wrap(text: str, parens: bool, latex: bool = False) -> str:
    return (r"\left(" + text + r"\right)" if latex else f"({text})") if parens else text


def _text(node: Node) -> str:
    """Canonical Python-style source: minimal parentheses, ``**`` for powers."""
    match node:
        case Number(value=value, symbol=symbol):
            return symbol or repr(value)
        case Variable(name=name):
            return name
        case Call(name=name, arg=arg):
            return f"{name}({_text(arg)})"
        case Unary(op=op, operand=operand):
            return op + _wrap(_text(operand), _precedence(operand) < 3)
        case Binary(op="**", left=left, right=right):  # right-associative; 2**-x needs no brackets
            base, power = _text(left), _text(right)
            return _wrap(base, _precedence(left) <= 4) + "**" + _wrap(power, _precedence(right) < 3)
        case Binary(op=op, left=left, right=right):  # left-associative: a - (b - c) keeps its brackets
            level, sep = _PRECEDENCE[op], f" {op} " if op in "+-" else op
            a, b = _text(left), _text(right)
            return _wrap(a, _precedence(left) < level) + sep + _wrap(b, _precedence(right) <= level)
    raise TypeError(f"not an expression node: {node!r}")


def _latex(node: Node) -> str:
    """LaTeX: ``\\frac`` for division, juxtaposition for products, ``^{}`` for powers."""
    match node:
        case Number(value=value, symbol=symbol):
            if symbol:
                return r"\pi" if symbol == "pi" else symbol
            mantissa, _, exponent = repr(value).partition("e")
            return mantissa + (rf" \times 10^{{{int(exponent)}}}" if exponent else "")
        case Variable(name=name):
            return name
        case Call(name="sqrt", arg=arg):
            return rf"\sqrt{{{_latex(arg)}}}"
        case Call(name="abs", arg=arg):
            return rf"\left|{_latex(arg)}\right|"
        case Call(name=name, arg=arg):
            return "\\" + ("ln" if name == "ln" else FUNCTIONS[name]) + _wrap(_latex(arg), True, latex=True)
        case Unary(op=op, operand=operand):
            return op + _wrap(_latex(operand), _precedence(operand, latex=True) <= 3, latex=True)
        case Binary(op="/", left=left, right=right):
            return rf"\frac{{{_latex(left)}}}{{{_latex(right)}}}"
        case Binary(op="**", left=left, right=right):
            base = _latex(left)
            atomic = isinstance(left, Number | Variable | Call) and " " not in base
            return _wrap(base, not atomic, latex=True) + f"^{{{_latex(right)}}}"
        case Binary(op=op, left=left, right=right):  # + - *
            level, right_level = _PRECEDENCE[op], _precedence(right, latex=True)
            a = _wrap(_latex(left), _precedence(left, latex=True) < level, latex=True)
            tight = right_level < level or right_level == 3 or (op == "-" and right_level == 1)
            b = _wrap(_latex(right), tight, latex=True)
            return a + ((r" \cdot " if b[0] in "0123456789." else " ") if op == "*" else f" {op} ") + b
    raise TypeError(f"not an expression node: {node!r}")
