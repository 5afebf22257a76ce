"""Closed vocabularies of the data model.

Every enum is a ``StrEnum`` so that it is stored, printed and compared as its plain value: SQL users write
``WHERE verdict = 'accepted'``, and the entity stream carries the same strings.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CORRECT_VERDICTS", "Language", "Site", "TestKind", "TestOrigin", "Verdict", "is_correct_verdict"]


class Site(StrEnum):
    """The five sites cpdata scrapes, and the other sources an imported CodeContests dataset may carry."""

    codeforces = "codeforces"
    atcoder = "atcoder"
    aoj = "aoj"
    codechef = "codechef"
    yukicoder = "yukicoder"
    package = "package"
    """A jury problem package (ICPC / Kattis format), read by ``cpdata import package``."""
    # only from `cpdata import codecontests` (CodeContests' own Source enum): no scraper for these
    hackerearth = "hackerearth"
    codejam = "codejam"
    unknown = "unknown"


class Verdict(StrEnum):
    """A judge's outcome, normalized across sites (table in sites.md section 7); the raw string is kept beside it."""

    accepted = "accepted"
    wrong_answer = "wrong_answer"
    time_limit = "time_limit"
    memory_limit = "memory_limit"
    runtime_error = "runtime_error"
    compile_error = "compile_error"
    partial = "partial"
    hacked = "hacked"
    pending = "pending"
    judge_error = "judge_error"
    other = "other"


class Language(StrEnum):
    """Language families. Compiler versions live in ``language_raw``; the family is what a dataset filters on."""

    c = "c"
    cpp = "cpp"
    python3 = "python3"
    python2 = "python2"
    java = "java"
    kotlin = "kotlin"
    rust = "rust"
    go = "go"
    csharp = "csharp"
    fsharp = "fsharp"
    javascript = "javascript"
    typescript = "typescript"
    ruby = "ruby"
    php = "php"
    perl = "perl"
    haskell = "haskell"
    ocaml = "ocaml"
    scala = "scala"
    pascal = "pascal"
    d = "d"
    swift = "swift"
    julia = "julia"
    nim = "nim"
    other = "other"


class TestKind(StrEnum):
    """Where a test sits in CodeContests terms: ``public_tests``, ``private_tests`` or ``generated_tests``."""

    __test__ = False  # not a pytest test class, despite the name

    public = "public"
    private = "private"
    generated = "generated"


class TestOrigin(StrEnum):
    """How we came by a test; finer than its kind (a private test may be official, a hack, or imported)."""

    __test__ = False

    sample = "sample"
    official = "official"
    hack = "hack"
    generated = "generated"
    imported = "imported"


# Only an accepted verdict makes a solution correct; "unknown" verdicts stay unknown (None), never incorrect.
CORRECT_VERDICTS = frozenset({Verdict.accepted})
_UNKNOWN_VERDICTS = frozenset({Verdict.pending, Verdict.judge_error, Verdict.other})


def is_correct_verdict(verdict: Verdict) -> bool | None:
    """True for accepted, False for a definite rejection, None when the judge has not (or could not) decide."""
    if verdict in CORRECT_VERDICTS:
        return True
    if verdict in _UNKNOWN_VERDICTS:
        return None
    return False
