"""One plain notation for the mathematics statements write in many: TeX (``1 \\le N \\le 2 \\cdot 10^{5}``), bold
Markdown (``1 ≤ **N** ≤ **10^{5}**``), Unicode (``1 ≤ N ≤ 10⁵``), HTML remnants (``10<sup>5</sup>``) and plain text
(``1 <= N <= 100000``) all become ``1 ≤ N ≤ 2*10^5``-style text, which the readers of bounds and names share.

``number`` evaluates the numbers written in it exactly (integers stay integers: ``10^18 + 7``, ``2^31 - 1``), and
refuses what would be absurd to evaluate (``10^{500}`` is fine, ``10^{10^9}`` is not) with a reason, never a crash.
"""

from __future__ import annotations

import html
import re
from fractions import Fraction

__all__ = ["NumberError", "is_number", "number", "plain"]

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
# TeX commands by what they mean here; anything not listed keeps its name without the backslash
_COMMANDS = {
    "le": "≤", "leq": "≤", "leqslant": "≤", "leqq": "≤", "ge": "≥", "geq": "≥", "geqslant": "≥", "geqq": "≥",
    "lt": "<", "gt": ">", "ne": "≠", "neq": "≠", "cdot": "*", "times": "*", "ast": "*", "cdotp": "*",
    "ldots": "...", "dots": "...", "cdots": "...", "dotsc": "...", "vdots": "...", "dotsb": "...",
    "lvert": "|", "rvert": "|", "vert": "|", "mid": "|", "lbrace": "{", "rbrace": "}", "in": "∈", "sum": "Σ",
    "left": "", "right": "", "displaystyle": "", "limits": "", "big": "", "Big": "", "bigl": "", "bigr": "",
    "quad": " ", "qquad": " ", "space": " ", "min": "min", "max": "max", "lceil": "", "rceil": "",
    "lfloor": "", "rfloor": "", "mathrm": "", "text": "", "textbf": "", "mathbf": "", "mathit": "",
    "mathsf": "", "texttt": "", "textit": "", "operatorname": "", "mathtt": "", "emph": "", "boldsymbol": "",
}  # fmt: skip
_COMMAND = re.compile(r"\\([A-Za-z]+)\s*")
_TAG = re.compile(r"</?[A-Za-z][^>]{0,200}>")


class NumberError(ValueError):
    """A number too large to write out (``10^{10^9}``): the bound is reported, not evaluated."""


def _html(text: str) -> str:
    """HTML remnants of older statements: ``10<sup>5</sup>`` as ``10^{5}``, ``a<sub>i</sub>`` as ``a_{i}``, entities
    decoded, any other tag a space."""
    text = re.sub(r"<sup>(.*?)</sup>", r"^{\1}", text, flags=re.I | re.S)
    text = re.sub(r"<sub>(.*?)</sub>", r"_{\1}", text, flags=re.I | re.S)
    return html.unescape(_TAG.sub(" ", text))


_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)
"""Display and inline math, paired from the left (so the text between two formulas is never taken for one)."""


def _join_broken_math(match: re.Match[str]) -> str:
    """Inline math broken over lines, made one line (not display math, nor across a blank line or a long span)."""
    math = match.group(0)
    if math.startswith("$$") or "\n" not in math or re.search(r"\n\s*\n", math) or len(math) > 300:
        return math
    return math.replace("\n", " ")


def plain(text: str) -> str:
    """Statement text with its mathematics in one notation (relations as ``≤ < ≥ > ≠ =``, products as ``*``, powers
    as ``^``, subscripts as ``_i`` or ``_{i,j}``), markup removed. Line breaks are kept: they end clauses."""
    text = _html(text)
    # a line broken inside inline math ("$1 \\le b <\n10^{1000}$") is one clause: a line break ends clauses only outside
    text = _MATH.sub(_join_broken_math, text)
    text = text.replace("\\\\", "\n")
    text = re.sub(r"(\d)\\[,;!: ](?=\d)", r"\1", text)  # 100\,000
    # 100 000 (thin, no-break or plain spaces between groups of three digits, the last 000: "1 100" stays two)
    text = re.sub(
        r"(?<![\d.])\d{1,3}(?:[ \u2009\u202f\u00a0]\d{3})*[ \u2009\u202f\u00a0]000(?!\d|\.\d)",
        lambda m: re.sub(r"\s", "", m.group(0)),
        text,
    )
    text = re.sub(r"\\[,;!: >]", " ", text)
    text = text.replace("\\{", "{").replace("\\}", "}").replace("\\%", "%").replace("\\_", "_").replace("\\#", "#")
    text = _COMMAND.sub(lambda m: _COMMANDS.get(m.group(1), m.group(1)) + " ", text)
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^{" + m.group(0).translate(_SUPERSCRIPTS) + "}", text)
    for old, new in (("<=", "≤"), ("=<", "≤"), (">=", "≥"), ("!=", "≠"), ("=/=", "≠"), ("⩽", "≤"), ("⩾", "≥")):
        text = text.replace(old, new)
    for old in ("·", "⋅", "∙", "×", "•"):
        text = text.replace(old, "*")
    text = text.replace("−", "-").replace("…", "...").replace("∑", "Σ").replace("＄", "$")
    text = text.replace("$", " ").replace("**", " ").replace("`", " ").replace("~", " ")
    text = re.sub(r"\^\{\s*\}|_\{\s*\}|\{\s*\}", "", text)  # 10^{5^{}}, \cdot{}: empty groups
    for _ in range(3):  # 10^{9}, x_{i}, 10^{5^{}} -> 10^9, x_i
        text = re.sub(r"([\^_])\{\s*([-+]?\w+)\s*\}", r"\1\2", text)
    text = re.sub(r"(?<=\d)\s*\^\s*(?=[-\d{])", "^", text)
    text = re.sub(r"(?<=\d)\s*e\s*(?=\d)", "e", text) if re.search(r"\d\s*e\s*\d", text) else text
    text = re.sub(r"[ \t]+", " ", text)
    return text


_EXPRESSION = re.compile(r"[\d\s+\-*^().e/,]+")
_MAX_DIGITS = 100_000


def is_number(text: str) -> bool:
    try:
        return number(text) is not None
    except NumberError:
        return True


def number(text: str) -> int | Fraction | None:
    """A number as written (``2*10^5``, ``10^9+7``, ``-10^{18}``, ``1e9``, ``1,000,000``, ``0.5``): an int, a Fraction
    for a non-integer, None when the text is not a number. NumberError when it is too large to write out."""
    text = text.strip().replace("{", "(").replace("}", ")")
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 1,000,000
    if not text or not _EXPRESSION.fullmatch(text) or "," in text or not re.search(r"\d", text):
        return None
    try:
        value, rest = _sum(_lex(text))
    except NumberError:
        raise
    except (IndexError, ValueError, ZeroDivisionError):
        return None
    if rest:
        return None
    return int(value) if value.denominator == 1 else value


def _lex(text: str) -> list[str]:
    tokens = re.findall(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?|[-+*/^()]", text.replace(" ", ""))
    if "".join(tokens) != text.replace(" ", ""):
        raise ValueError(text)
    return tokens


def _sum(tokens: list[str]) -> tuple[Fraction, list[str]]:
    value, tokens = _product(tokens)
    while tokens and tokens[0] in "+-":
        sign, (right, tokens) = tokens[0], _product(tokens[1:])
        value = value + right if sign == "+" else value - right
    return value, tokens


def _product(tokens: list[str]) -> tuple[Fraction, list[str]]:
    value, tokens = _power(tokens)
    while tokens and tokens[0] in "*/":
        operator, (right, tokens) = tokens[0], _power(tokens[1:])
        value = value * right if operator == "*" else value / right
    return value, tokens


def _power(tokens: list[str]) -> tuple[Fraction, list[str]]:
    base, tokens = _atom(tokens)
    if tokens and tokens[0] == "^":
        exponent, tokens = _power(tokens[1:])
        if exponent.denominator != 1 or exponent < 0:
            raise ValueError("a fractional or negative power")
        digits = float(exponent) * max(1.0, len(str(abs(int(base)))))
        if digits > _MAX_DIGITS:
            raise NumberError(f"a bound with about {digits:.0f} digits is too large to generate")
        return base ** int(exponent), tokens
    return base, tokens


def _atom(tokens: list[str]) -> tuple[Fraction, list[str]]:
    head = tokens[0]
    if head == "-":
        value, rest = _power(tokens[1:])
        return -value, rest
    if head == "+":
        return _power(tokens[1:])
    if head == "(":
        value, rest = _sum(tokens[1:])
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced")
        return value, rest[1:]
    if "e" in head:
        mantissa, _, exponent = head.partition("e")
        if abs(int(exponent)) > _MAX_DIGITS:
            raise NumberError(f"{head} is too large to generate")
        return Fraction(mantissa) * Fraction(10) ** int(exponent), tokens[1:]
    return Fraction(head), tokens[1:]
