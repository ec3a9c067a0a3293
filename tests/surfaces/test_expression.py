"""lrviz.surfaces._expression: hostile input is refused fast and clearly; sane formulas match hand values."""

from __future__ import annotations

import builtins
import math
import pickle
import string
import time
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrviz.surfaces._expression import MAX_LENGTH, Expression, ExpressionError, parse

FAST = 0.5  # seconds: a generous bound that only catastrophic (super-linear) work can break

# (text, dim): each must raise ExpressionError.
HOSTILE = [
    ("__import__('os').system('ls')", 1),
    ("__import__(1).system(2)", 1),
    ("().__class__.__bases__[0].__subclasses__()", 1),
    ("x.real", 1),
    ("(x).__class__", 1),
    ("lambda: 1", 1),
    ("(lambda: 1)()", 1),
    ("[x for x in ()]", 1),
    ("(x for x in x)", 1),
    ("{1: 2}", 1),
    ("{x}", 1),
    ("[x]", 1),
    ("x, y", 2),
    ("()", 1),
    ("'a'", 1),
    ('b"x"', 1),
    ("f'{x}'", 1),
    ("open('f')", 1),
    ("open(x)", 1),
    ("eval('1')", 1),
    ("eval(x)", 1),
    ("exec('1')", 1),
    ("globals()", 1),
    ("x if x else 1", 1),
    ("x > 1", 1),
    ("x == y", 2),
    ("x and y", 2),
    ("not x", 1),
    ("~x", 1),
    ("x @ x", 1),
    ("x << 2", 1),
    ("x % 2", 1),
    ("x // 2", 1),
    ("x | 1", 1),
    ("x & 1", 1),
    ("1j*x", 1),
    ("True*x", 1),
    ("None", 1),
    ("x*...", 1),
    ("x**1000", 1),
    ("x**-11", 1),
    ("9**9**9", 1),
    ("x*9**9**9", 1),
    ("2**(3**5)", 1),
    ("x**(2**(2**2))", 1),
    ("x + (1e6**10)**10", 1),
    ("(" * 5000, 1),
    ("(" * 5000 + "x" + ")" * 5000, 1),
    ("(" * 13 + "x" + ")" * 13, 1),
    ("(" * 199, 1),
    ("x+" * 3000, 1),
    ("x+" * 99 + "x", 1),
    ("-" * 180 + "x", 1),
    ("x" * 10_000, 1),
    ("sin(x, 2)", 1),
    ("sin()", 1),
    ("sin(x=1)", 1),
    ("sin(*x)", 1),
    ("sin(**x)", 1),
    ("z", 2),
    ("x + z", 2),
    ("xy", 2),
    ("y", 1),
    ("x + y", 1),
    ("x; import os", 1),
    ("import os", 1),
    ("x := 1", 1),
    ("(x := 1)", 1),
    ("await x", 1),
    ("(yield x)", 1),
    ("1/0", 1),
    ("x/0", 1),
    ("x/(1-1)", 1),
    ("x + log(0)", 1),
    ("x + sqrt(-1)", 1),
    ("x + (-8)**(1/3)", 1),
    ("pi", 1),
    ("2*e + 1", 2),
    ("sin(3)", 1),
    ("", 1),
    ("   ", 1),
    ("\n\t", 2),
    ("2x", 1),
    ("2 x", 1),
    ("1if x else 2", 1),
    ("x(x+1)", 1),
    ("(x+1)(x-1)", 1),
    ("2(x+1)", 1),
    ("sin x", 1),
    ("sin", 1),
    ("sin^2(x)", 1),
    ("x" + "+x" * 150, 1),  # 301 characters
    ("\u0445", 1),  # Cyrillic х
    ("\uff58**2", 1),  # fullwidth ｘ, which Python itself would read as x
    ("\U0001d465", 1),  # mathematical italic 𝑥
    ("x\u22122", 1),  # minus sign −
    ("x\x00", 1),
    ("x # comment", 1),
    ("x \\\n + 1", 1),
    ("(x", 1),
    ("x)", 1),
    ("(x]", 1),
    ("x+", 1),
    ("*x", 1),
    ("x ^^ 2", 1),
    ("y = x^2", 1),
    ("1e7*x", 1),
    ("0x10*x", 1),
    ("x[0]", 1),
    ("os.system", 1),
]


@pytest.mark.parametrize(("text", "dim"), HOSTILE, ids=[repr(t[:40]) for t, _ in HOSTILE])
def test_hostile_input_is_rejected_quickly(text, dim):
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        parse(text, dim)
    assert time.perf_counter() - start < FAST
    err = info.value
    assert err.message("en") and err.message("ko")
    assert str(err) == err.message("en")
    assert err.column is None or err.column >= 1


def test_error_pickles_with_both_languages():
    with pytest.raises(ExpressionError) as info:
        parse("x + z", 1)
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.message, copy.column, str(copy)) == (info.value.message, 5, info.value.message("en"))


def test_no_eval_or_exec(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    assert parse("x**2 + sin(3*x)", 1).evaluate(2.0, xp=np) == pytest.approx(4 + math.sin(6))
    for text, dim in HOSTILE[:20]:
        with pytest.raises(ExpressionError):
            parse(text, dim)


# (text, dim, point, value by hand)
SANE = [
    ("x**2", 1, (3.0,), 9.0),
    ("x^2 + y^2", 2, (1.0, 2.0), 5.0),
    ("(1-x)**2 + 100*(y-x**2)**2", 2, (1.0, 1.0), 0.0),
    ("(1-x)**2 + 100*(y-x**2)**2", 2, (-1.0, 2.0), 104.0),
    ("sin(3*x) + 0.1*x**2", 1, (0.5,), math.sin(1.5) + 0.025),
    ("-x**2", 1, (3.0,), -9.0),
    ("-x^2", 1, (3.0,), -9.0),
    ("(-x)**2", 1, (3.0,), 9.0),
    ("2**-x", 1, (3.0,), 0.125),
    ("2^x^2", 1, (2.0,), 16.0),  # right-associative: 2^(x^2)
    ("exp(-x^2)", 1, (1.5,), math.exp(-2.25)),
    ("abs(x)", 1, (-2.5,), 2.5),
    ("ln(x+2)", 1, (1.0,), math.log(3.0)),
    ("log(x)", 1, (math.e,), 1.0),
    ("atan(y)", 2, (0.0, 1.0), math.pi / 4),
    ("arctan(x) + y", 2, (1.0, 1.0), math.pi / 4 + 1),
    ("e**x", 1, (2.0,), math.e**2),
    ("pi*x", 1, (2.0,), 2 * math.pi),
    ("sqrt(x) + tanh(x) + sinh(x) + cosh(x)", 1, (1.0,), 1 + math.tanh(1) + math.sinh(1) + math.cosh(1)),
    ("tan(x) * cos(y)", 2, (0.5, 0.0), math.tan(0.5)),
    ("x / y - 1e-3", 2, (1.0, 4.0), 0.249),
    ("+x - -y", 2, (1.0, 2.0), 3.0),
    ("x**-2", 1, (-2.0,), 0.25),
    ("x**3", 1, (-2.0,), -8.0),
    ("  x * 1_000  ", 1, (0.5,), 500.0),
    ("x*(2**10)", 1, (1.0,), 1024.0),
    ("x**2", 2, (3.0, 5.0), 9.0),  # a 2-D formula may ignore y
]


@pytest.mark.parametrize(("text", "dim", "point", "expected"), SANE, ids=[s[0] for s in SANE])
def test_sane_formula_matches_hand_value(text, dim, point, expected):
    expression = parse(text, dim)
    assert isinstance(expression, Expression)
    assert expression.dim == dim
    np.testing.assert_allclose(expression.evaluate(*point, xp=np), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(expression.evaluate(*point)), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("text", "dim", "point", "expected"), SANE, ids=[s[0] for s in SANE])
def test_canonical_text_parses_to_the_same_tree(text, dim, point, expected):
    expression = parse(text, dim)
    assert parse(expression.text, dim) == expression
    assert "^" not in expression.text


def test_equivalent_spellings_give_equal_hashable_expressions():
    a, b = parse("x^2 + y^2", 2), parse("x ** 2+y **2", 2)
    assert a == b and hash(a) == hash(b)
    assert a.text == "x**2 + y**2"


def test_power_binds_tighter_than_unary_minus():
    assert parse("-x**2", 1).text == "-x**2"
    assert parse("-x**2", 1).evaluate(2.0, xp=np) == -4.0
    assert parse("(-x)**2", 1).evaluate(2.0, xp=np) == 4.0


def test_evaluate_is_elementwise_on_arrays():
    xs = np.linspace(-2, 2, 7)
    ys = np.linspace(-1, 3, 5)
    rosenbrock = parse("(1-x)**2 + 100*(y-x**2)**2", 2)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    expected = (1 - X) ** 2 + 100 * (Y - X**2) ** 2
    np.testing.assert_allclose(rosenbrock.evaluate(X, Y, xp=np), expected, rtol=1e-12)
    np.testing.assert_allclose(rosenbrock.evaluate(X, Y), expected, rtol=1e-5)
    assert rosenbrock.evaluate(X, Y, xp=np).dtype == np.float64
    # A 2-D formula without y still has the shape of the grid.
    assert parse("x**2", 2).evaluate(xs, ys[:, None], xp=np).shape == (5, 7)
    # Integers are read as floats.
    assert parse("x**-1", 1).evaluate(np.array([1, 2, 4]), xp=np).tolist() == [1.0, 0.5, 0.25]


def test_jit_and_grad():
    expression = parse("x**2 + 3*y", 2)

    def f(p):
        return expression.evaluate(p[0], p[1])

    p = jnp.array([1.0, 2.0])
    np.testing.assert_allclose(jax.grad(f)(p), [2.0, 3.0])
    np.testing.assert_allclose(jax.jit(jax.grad(f))(p), [2.0, 3.0])
    np.testing.assert_allclose(jax.jit(f)(p), 7.0)
    # Gradients through every function and an integer power of a negative number.
    g = jax.grad(lambda x: parse("sin(x) + exp(x) + ln(x+3) + x^3", 1).evaluate(x))
    np.testing.assert_allclose(g(-1.0), math.cos(-1) + math.exp(-1) + 1 / 2 + 3, rtol=1e-5)
    np.testing.assert_allclose(jax.vmap(jax.grad(lambda x: parse("-x**2", 1).evaluate(x)))(
        jnp.array([-1.0, 2.0])), [2.0, -4.0])


def test_evaluate_checks_the_number_of_coordinates():
    with pytest.raises(ValueError, match="x and y"):
        parse("x + y", 2).evaluate(1.0)
    with pytest.raises(ValueError, match="x only"):
        parse("x", 1).evaluate(1.0, 2.0)
    with pytest.raises(ValueError, match="dim"):
        parse("x", 3)


@pytest.mark.parametrize(
    ("text", "dim", "column", "needle"),
    [
        ("x + z", 2, 5, "Unknown name 'z'"),
        ("x^2 + z", 1, 7, "'z'"),  # columns count what was typed, although ^ is read as **
        ("   z", 1, 4, "'z'"),
        ("2x", 1, 2, "2*x"),
        ("3*x + 2y", 2, 8, "Missing operator"),
        ("sin x", 1, 5, "sin(x)"),
        ("x.real", 1, 2, "'.'"),
        ("x @ x", 1, 3, "'@'"),
        ("x ^ 2 >> 1", 1, 7, "'>>'"),
        ("(x", 1, 1, "never closed"),
        ("x)", 1, 2, "Unmatched ')'"),
        ("(x]", 1, 3, "'('"),
        ("x**1000", 1, 2, "exponent"),
        ("x + 1/0", 1, 6, "Division by zero"),
        ("x + 2e7", 1, 5, "too large"),
        ("y", 1, 1, "1-D"),
        ("cos(x, y)", 2, 1, "one argument"),
        ("x + open(x)", 1, 5, "Unknown function 'open'"),
        ("x + \u0445", 1, 5, "U+0445"),
        ("x; import os", 1, 2, "';'"),
        ("(" * 13 + "x" + ")" * 13, 1, 13, "12"),
    ],
)
def test_error_column_points_at_the_offending_token(text, dim, column, needle):
    with pytest.raises(ExpressionError) as info:
        parse(text, dim)
    assert info.value.column == column
    assert needle in info.value.message("en")
    assert f"column {column}" in info.value.message("en")
    ordinal = "첫 번째" if column == 1 else f"{column}번째"  # Korean counts the first 첫 번째
    assert f"{ordinal} 글자" in info.value.message("ko")


@pytest.mark.parametrize(
    ("text", "needle"),
    [("", "empty"), ("pi + e", "does not mention x"), ("x" * (MAX_LENGTH + 1), "at most 200")],
)
def test_errors_without_a_place(text, needle):
    with pytest.raises(ExpressionError) as info:
        parse(text, 1)
    assert info.value.column is None
    assert needle in str(info.value)
    assert info.value.message("ko")


def test_every_message_exists_in_both_languages_with_the_same_fields():
    from string import Formatter

    from lrviz.i18n import table
    from lrviz.surfaces._expression import MESSAGES

    for key in MESSAGES:
        en, ko = table("en")[f"expression.{key}"], table("ko")[f"expression.{key}"]
        assert en.strip() and ko.strip(), key
        en_fields = {name for _, name, _, _ in Formatter().parse(en) if name}
        ko_fields = {name for _, name, _, _ in Formatter().parse(ko) if name}
        assert en_fields == ko_fields, key


@pytest.mark.parametrize(
    ("text", "dim", "latex"),
    [
        ("x**2 + sin(3*x)", 1, r"x^{2} + \sin\left(3 x\right)"),
        ("(1-x)^2 + 100*(y-x^2)^2", 2, r"\left(1 - x\right)^{2} + 100 \left(y - x^{2}\right)^{2}"),
        ("exp(-x^2)/2", 1, r"\frac{\exp\left(-x^{2}\right)}{2}"),
        ("sqrt(abs(x)) + ln(x+3)", 1, r"\sqrt{\left|x\right|} + \ln\left(x + 3\right)"),
        ("atan(x) + arctan(y)", 2, r"\arctan\left(x\right) + \arctan\left(y\right)"),
        ("pi*x - e**y", 2, r"\pi x - e^{y}"),
        ("-(x - y)", 2, r"-\left(x - y\right)"),
        ("x - (y - 1)", 2, r"x - \left(y - 1\right)"),
        ("2*3*x", 1, r"2 \cdot 3 x"),
        ("1e-7*x", 1, r"1 \times 10^{-7} x"),
        ("(x/2)**2", 1, r"\left(\frac{x}{2}\right)^{2}"),
    ],
)
def test_latex(text, dim, latex):
    assert parse(text, dim).to_latex() == latex


# Random text over a hostile alphabet: parse returns an Expression or raises ExpressionError,
# nothing else, quickly, and without Python warnings (e.g. SyntaxWarning from the parser).
HOSTILE_ALPHABET = string.ascii_letters + string.digits + "+-*/^%@<>=!&|~()[]{}.,:;'\"_ " + "xyxy()*"


def _parse_or_refuse(text: str, dim: int) -> Expression | None:
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            expression = parse(text, dim)
        except ExpressionError as err:
            assert err.message("en") and err.message("ko")
            expression = None
    assert time.perf_counter() - start < FAST, text
    assert not caught, [str(w.message) for w in caught]
    return expression


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=HOSTILE_ALPHABET, max_size=250), st.sampled_from([1, 2]))
def test_random_text_parses_or_raises_expression_error(text, dim):
    expression = _parse_or_refuse(text, dim)
    if expression is not None:
        assert parse(expression.text, dim) == expression


_ATOMS = st.sampled_from(["x", "y", "pi", "e", "0", "1", "2", "0.5", "1e-3", "10", "1e6", "z", "1j", "True"])
_FORMULAS = st.recursive(
    _ATOMS,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "^", "%", "//", "<", "@"]), inner).map(
            "".join),
        st.tuples(st.sampled_from(["-", "+", "not ", "~"]), inner).map("".join),
        st.tuples(st.sampled_from(["sin", "cos", "exp", "ln", "sqrt", "abs", "atan", "foo", "x"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"),
        inner.map(lambda s: f"({s})"),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_FORMULAS, st.sampled_from([1, 2]))
def test_random_formulas_parse_and_evaluate_without_surprises(text, dim):
    expression = _parse_or_refuse(text, dim)
    if expression is None:
        return
    assert parse(expression.text, dim) == expression
    assert expression.to_latex()
    point = (np.array([-1.5, 0.0, 0.7]),) * dim
    with np.errstate(all="ignore"):
        values = expression.evaluate(*point, xp=np)
    assert values.shape == (3,)
    assert jnp.shape(expression.evaluate(*point)) == (3,)
