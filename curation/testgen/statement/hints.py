"""What a statement says about its input beyond bounds: the alphabet of its strings, whether it speaks of test
cases, trees, graphs, permutations, distinct or sorted values, and the precision of its reals.

Each hint is a claim the specification checks against the known inputs before it uses it (a tree hint makes a
block of edges a tree only if every known input's edges form one).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from cpdata.curation.testgen.statement.text import number

__all__ = [
    "LetterRule",
    "alphabets",
    "decimals",
    "letter_rule",
    "line_counts",
    "mentions",
    "parities",
    "primes",
    "query_forms",
    "speaks_of_cases",
]

_LOWER, _UPPER, _DIGITS = string.ascii_lowercase, string.ascii_uppercase, string.digits


def speaks_of_cases(statement: str) -> bool:
    return bool(re.search(r"(?i)\btest[\s-]?cases?\b|\btestcases?\b|\bnumber of tests\b|\bscenarios\b", statement))


def mentions(statement: str, *words: str) -> bool:
    """Whether the statement uses any of these words (as words, case-insensitively)."""
    return any(re.search(rf"(?i)\b{word}", statement) for word in words)


def alphabets(statement: str) -> list[str]:
    """The alphabets a statement states, narrowest first (``lowercase English letters``, ``binary string``,
    ``consisting of characters '.', '#'``, ``only of the letters 'a' and 'b'``)."""
    found: list[str] = []
    text = statement.replace("\\", "")
    lower = re.search(
        r"(?i)lower[\s-]?case(?:\s+(?:english|latin))?\s+(?:alphabets?|letters|characters)|small\s+(?:english\s+|latin\s+)?letters",
        text,
    )
    upper = re.search(
        r"(?i)upper[\s-]?case(?:\s+(?:english|latin))?\s+(?:alphabets?|letters|characters)|capital\s+(?:english\s+|latin\s+)?letters",
        text,
    )
    if re.search(r"(?i)binary\s+strings?|\b0s?\s+and\s+1s?\b|'0'\s+(?:and|or)\s+'1'|\"0\"\s+(?:and|or)\s+\"1\"", text):
        found.append("01")
    quoted = _quoted_characters(text)
    if quoted:
        found.append(quoted)
    if re.search(r"(?i)\bdigits?\b", text):
        found.append(_DIGITS)
    if lower:
        found.append(_LOWER)
    if upper:
        found.append(_UPPER)
    if (lower and upper) or re.search(r"(?i)(?:english|latin)\s+(?:alphabets?|letters)(?!.{0,5}lower|.{0,5}upper)", text):
        found.append(_LOWER + _UPPER)
    if found:
        found.append("".join(dict.fromkeys("".join(found))))
    return found


@dataclass(frozen=True)
class LetterRule:
    """What a statement says of the letters of its strings beyond their alphabet: the first letter's case apart from
    the others' (brentering: "The first letter may be uppercase or lowercase, all other letters are lowercase") and
    letters one of which must appear ("s will contain at least one lowercase vowel"). Empty: nothing said."""

    first: str = ""
    rest: str = ""
    contains: str = ""


_CASE = r"(upper[\s-]?case|capital|lower[\s-]?case|small)"
_FIRST = re.compile(
    rf"(?i)first\s+(?:letter|character)[^.\n]{{0,40}}?\b{_CASE}(?:\s+or\s+{_CASE})?"
    rf"|(?:starts?|begins?)\s+with\s+an?\s+{_CASE}(?:\s+or\s+{_CASE})?\s+(?:letter|character)"
)
_REST = re.compile(rf"(?i)(?:other|remaining|subsequent|rest\s+of\s+the)\s+(?:letters|characters)[^.\n]{{0,20}}?\b{_CASE}")
_VOWEL = re.compile(r"(?i)contains?\s+at\s+least\s+one\s+(?:(lower[\s-]?case|upper[\s-]?case|small|capital)\s+)?vowel")


def _letters_of_case(words: tuple[str | None, ...]) -> str:
    cases = {"lower" if w.lower().startswith(("lower", "small")) else "upper" for w in words if w}
    return (_LOWER if "lower" in cases else "") + (_UPPER if "upper" in cases else "")


def letter_rule(text: str) -> LetterRule:
    first = _FIRST.search(text)
    rest = _REST.search(text)
    vowel = _VOWEL.search(text)
    contains = ""
    if vowel:
        case = _letters_of_case((vowel.group(1),)) if vowel.group(1) else _LOWER + _UPPER
        contains = "".join(c for c in "aeiouAEIOU" if c in case)
    return LetterRule(
        _letters_of_case(tuple(g for g in first.groups() if g)) if first else "",
        _letters_of_case((rest.group(1),)) if rest else "",
        contains,
    )


_QUOTED = r"""['"‘“`]\s?(\S)\s?['"’”`]"""


def _quoted_characters(text: str) -> str:
    """Single characters in quotes where the statement lists what a string consists of (``'a' to 'e'`` a range)."""
    chars: list[str] = []
    for match in re.finditer(
        r"(?i)(?:consist|contain|compris|made|each|charact|symbol|either|only|one of|letters?)[^.\n]{0,160}", text
    ):
        clause = match.group(0)
        for span in re.finditer(_QUOTED + r"\s*(?:-|–|to|through|\.\.)\s*" + _QUOTED, clause):
            chars += [chr(c) for c in range(ord(span.group(1)), ord(span.group(2)) + 1)]
        chars += [quoted.group(1) for quoted in re.finditer(_QUOTED, clause)]
    return "".join(dict.fromkeys(chars))


def decimals(statement: str) -> int | None:
    """``at most 5 digits after the decimal point``, ``with exactly 2 decimal places``."""
    match = re.search(
        r"(?i)(?:at most|more than|no more than|exactly|up to|with)\s+(\d+)\s+(?:digits?|decimal\s+(?:places|digits))"
        r"(?:\s+after\s+the\s+(?:decimal\s+)?(?:point|dot))?",
        statement,
    )
    return int(match.group(1)) if match else None


_QUERY = re.compile(r"(?<![\w.,^_])([0-9]{1,2})((?:[ \t]+[A-Za-z](?:_\{?\w{1,3}\}?|[0-9])?(?![\w(]))+)")


def query_forms(section: str) -> dict[str, list[str]]:
    """Query formats an Input section shows: ``1 x y``, ``"2 L R"``, ``3 u`` -> {"1": ["x", "y"], "2": ["L", "R"],
    "3": ["u"]}. The first form seen for a type wins."""
    found: dict[str, list[str]] = {}
    for match in _QUERY.finditer(section):
        names = match.group(2).split()
        if any(len(n) == 1 and n in "aAI" for n in names) and len(names) == 1:
            continue  # "1 a" in prose: too weak
        found.setdefault(match.group(1), [re.sub(r"_.*$|(?<=[A-Za-z])[0-9]$", "", n) for n in names])
    return found


_LINES = re.compile(
    r"(?<![A-Za-z_])([A-Za-z])(?:_\{?\w{1,3}\}?)?\s*(?:(-)\s*1\s*)?(?:\)\s*)?(?:more\s+|further\s+|following\s+|subsequent\s+|next\s+)?(?:pairs\s+of\s+)?lines"
)


def line_counts(text: str) -> list[tuple[str, int]]:
    """Counts of lines the statement names, in order: ``N - 1 lines follow``, ``each of the next M lines`` ->
    [("N", 1), ("M", 0)]: (the variable, how many fewer lines than it)."""
    return [(match.group(1), 1 if match.group(2) else 0) for match in _LINES.finditer(text)]


_PRIME = re.compile(
    r"(?<![A-Za-z_])([A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)\s+(?:is|are|will be)\s+(?:an?\s+|all\s+)?(?:odd\s+)?primes?\b(?!\s*factor)"
    r"|\ba\s+prime(?:\s+number)?\s+([A-Za-z])(?![A-Za-z])"
)


_EOF = re.compile(
    r"(?i)(?:terminated|ends?|until|till|continues?\s+to|up\s+to)\s+(?:by\s+|with\s+|at\s+)?(?:the\s+)?"
    r"end[\s-]+of[\s-]+(?:the\s+)?(?:file|input)|\bEOF\b"
)
_ROWS_SENTENCE = re.compile(r"(?i)[^.]*\b(?:test\s*cases?|lines|pairs|records|queries)\b[^.]*")
_AT_LEAST = re.compile(r"(?i)at\s+least\s+(\d[\d,]*)")
_AT_MOST_ROWS = re.compile(r"(?i)(?:at\s+most|up\s+to|no\s+more\s+than|not\s+more\s+than)\s+(\d[\d,]*(?:\s*\^\s*\d+)?)")


def eof_rows(text: str) -> tuple[int | None, int | None] | None:
    """Whether the input runs to the end of the file with no count before its lines ("The input is terminated by
    end of file"), and the least and most lines the statement gives them ("multiple test cases (at least 1 and at
    most 40), one per line"); None when it does not say so."""
    if not _EOF.search(text):
        return None
    least = most = None
    for sentence in _ROWS_SENTENCE.finditer(text):
        found_least, found_most = _AT_LEAST.search(sentence.group(0)), _AT_MOST_ROWS.search(sentence.group(0))
        if found_most:
            least = int(found_least.group(1).replace(",", "")) if found_least else None
            written = number(found_most.group(1))
            most = int(written) if isinstance(written, int) else None
            break
    return least, most


def letter_of(name: str) -> str:
    """A name without its subscript (``p_{1}`` -> ``p``): what the primes and parities hints record."""
    return re.sub(r"_.*$", "", name)


def primes(text: str) -> set[str]:
    """Names the statement says are primes (in the plain notation): ``P is a prime``, ``base_{i} is a prime number``,
    ``a prime number p`` (not ``not necessarily prime``, not ``prime factors``)."""
    found = set()
    for match in _PRIME.finditer(text):
        if re.search(r"not\s+(?:necessarily\s+)?$", text[max(0, match.start() - 30) : match.start()]):
            continue
        found.add(letter_of(match.group(1) or match.group(2)))
    return found


_PARITY = re.compile(
    r"(?<![A-Za-z_])([A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)\s+(?:is|are|will be)\s+(?:an?\s+|all\s+)?(odd|even)\b(?!\s*(?:or|and)\b)"
)


def parities(text: str) -> dict[str, int]:
    """Names the statement says are odd (1) or even (0): ``n is an odd number``, ``p is an odd prime``, ``K is even``
    (not ``n is even or odd``)."""
    found: dict[str, int] = {}
    for match in _PARITY.finditer(text):
        if re.search(r"not\s+(?:necessarily\s+)?$", text[max(0, match.start() - 30) : match.start()]):
            continue
        found[letter_of(match.group(1))] = 1 if match.group(2) == "odd" else 0
    return found
