from __future__ import annotations

import pytest

from cpdata.schema import Language, Site, Submission, Verdict, normalize_language, normalize_verdict
from cpdata.schema.languages import python_version_of


@pytest.mark.parametrize(
    ("raw", "family"),
    [
        ("GNU G++17 7.3.0", Language.cpp),
        ("GNU C++", Language.cpp),
        ("C++ 20 (gcc 12.2)", Language.cpp),
        ("MS C++ 2017", Language.cpp),
        ("GNU C", Language.c),
        ("GNU C11", Language.c),
        ("C (GCC 9.2.1)", Language.c),
        ("Python 3", Language.python3),
        ("Python (CPython 3.11.4)", Language.python3),
        ("PyPy 3-64", Language.python3),
        ("PYTH 3", Language.python3),
        ("Python 2", Language.python2),
        ("PyPy 2", Language.python2),
        ("Java 8", Language.java),
        ("Java (OpenJDK 17)", Language.java),
        ("Kotlin 1.7", Language.kotlin),
        ("Rust 2021", Language.rust),
        ("Go 1.19.5", Language.go),
        ("C# 10, .NET SDK 6.0", Language.csharp),
        ("JavaScript V8 4.8.0", Language.javascript),
        ("Haskell GHC 8.10.1", Language.haskell),
        ("Delphi 7", Language.pascal),
        ("Whitespace", Language.other),
        (None, Language.other),
    ],
)
def test_language_families(raw: str | None, family: Language) -> None:
    assert normalize_language(raw) is family


@pytest.mark.parametrize(
    ("site", "raw", "verdict"),
    [
        (Site.codeforces, "OK", Verdict.accepted),
        (Site.codeforces, "PRESENTATION_ERROR", Verdict.wrong_answer),
        (Site.codeforces, "IDLENESS_LIMIT_EXCEEDED", Verdict.time_limit),
        (Site.codeforces, "CHALLENGED", Verdict.hacked),
        (Site.codeforces, "SKIPPED", Verdict.judge_error),
        (Site.codeforces, None, Verdict.pending),
        (Site.codeforces, "SOMETHING_NEW", Verdict.other),
        (Site.atcoder, "AC", Verdict.accepted),
        (Site.atcoder, "QLE", Verdict.runtime_error),
        (Site.atcoder, "3/25", Verdict.pending),
        (Site.atcoder, "WR", Verdict.pending),
        (Site.aoj, "4", Verdict.accepted),
        (Site.aoj, "8", Verdict.wrong_answer),
        (Site.aoj, "-1", Verdict.judge_error),
        (Site.yukicoder, "J_TLE", Verdict.time_limit),
        (Site.yukicoder, "NoOut", Verdict.wrong_answer),
        (Site.codechef, "accepted", Verdict.accepted),
        (Site.codechef, "(100)", Verdict.accepted),
        (Site.codechef, "accepted (50)", Verdict.partial),
        (Site.codechef, "runtime error (SIGSEGV)", Verdict.runtime_error),
        (Site.codechef, "RTE", Verdict.runtime_error),
        (Site.codechef, "wrong answer", Verdict.wrong_answer),
    ],
)
def test_verdicts(site: Site, raw: str | None, verdict: Verdict) -> None:
    assert normalize_verdict(site, raw) is verdict


def test_submission_derives_normalized_fields_from_raw_ones() -> None:
    sub = Submission.model_validate(
        {
            "site": "atcoder",
            "submission_id": 7,
            "contest_id": "abc107",
            "index": "A",
            "language_raw": "C++ 20 (gcc 12.2)",
            "verdict_raw": "WA",
        }
    )
    assert (sub.submission_id, sub.language, sub.verdict, sub.is_correct) == ("7", Language.cpp, Verdict.wrong_answer, False)
    pending = Submission.model_validate(
        {"site": "atcoder", "submission_id": 8, "contest_id": "abc107", "index": "A", "verdict_raw": "WJ"}
    )
    assert pending.is_correct is None


def test_explicit_normalized_fields_win() -> None:
    sub = Submission.model_validate(
        {
            "site": "codeforces",
            "submission_id": 1,
            "contest_id": "1",
            "index": "A",
            "verdict_raw": "OK",
            "verdict": "partial",
            "is_correct": False,
        }
    )
    assert (sub.verdict, sub.is_correct) == (Verdict.partial, False)


@pytest.mark.parametrize(
    ("source", "version"),
    [
        ("print sum(map(int, raw_input().split()))\n", Language.python2),
        ("n = input()\nprint(n)\n", Language.python3),
        ("for i in xrange(3):\n    print(i)\n", Language.python2),
        ("def xrange(n):\n    return range(n)\nprint(list(xrange(2)))\n", Language.python3),  # defined here
        ("#!/usr/bin/env python2\nprint(1)\n", Language.python2),
        ("#!/usr/bin/python3\nprint 1\n", Language.python3),  # a shebang decides
        ("f = lambda (a, b): a\n", Language.python2),
        ("x = = 1\n", Language.python3),  # broken in both: not ours to call Python 2
        ("from past.builtins import long\nprint(long(3))\n", Language.python3),
    ],
)
def test_python_version_of_a_program(source: str, version: Language) -> None:
    assert python_version_of(source) is version
