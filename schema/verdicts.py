"""Normalize each site's verdict vocabulary to ``Verdict`` (sites.md section 7). The raw string is always kept."""

from __future__ import annotations

import re
from functools import lru_cache

from cpdata.schema.enums import Site, Verdict

__all__ = ["normalize_verdict"]

_V = Verdict

_CODEFORCES = {
    "OK": _V.accepted,
    "PARTIAL": _V.partial,
    "WRONG_ANSWER": _V.wrong_answer,
    "PRESENTATION_ERROR": _V.wrong_answer,
    "TIME_LIMIT_EXCEEDED": _V.time_limit,
    "IDLENESS_LIMIT_EXCEEDED": _V.time_limit,
    "MEMORY_LIMIT_EXCEEDED": _V.memory_limit,
    "RUNTIME_ERROR": _V.runtime_error,
    "SECURITY_VIOLATED": _V.runtime_error,
    "COMPILATION_ERROR": _V.compile_error,
    "CHALLENGED": _V.hacked,
    "TESTING": _V.pending,
    "SUBMITTED": _V.pending,
    "FAILED": _V.judge_error,
    "CRASHED": _V.judge_error,
    "INPUT_PREPARATION_CRASHED": _V.judge_error,
    "REJECTED": _V.judge_error,
    "SKIPPED": _V.judge_error,
}

_ATCODER = {
    "AC": _V.accepted,
    "WA": _V.wrong_answer,
    "TLE": _V.time_limit,
    "MLE": _V.memory_limit,
    "RE": _V.runtime_error,
    "OLE": _V.runtime_error,
    "QLE": _V.runtime_error,
    "CE": _V.compile_error,
    "IE": _V.judge_error,
    "WJ": _V.pending,
    "WR": _V.pending,
}

# AOJ reports integers; -1 means the judge was unavailable (several client scripts agree on this table).
_AOJ = {
    "-1": _V.judge_error,
    "0": _V.compile_error,
    "1": _V.wrong_answer,
    "2": _V.time_limit,
    "3": _V.memory_limit,
    "4": _V.accepted,
    "5": _V.pending,
    "6": _V.runtime_error,
    "7": _V.runtime_error,
    "8": _V.wrong_answer,
    "9": _V.pending,
}

_YUKICODER = {
    "AC": _V.accepted,
    "WA": _V.wrong_answer,
    "NOOUT": _V.wrong_answer,
    "TLE": _V.time_limit,
    "J_TLE": _V.time_limit,
    "MLE": _V.memory_limit,
    "RE": _V.runtime_error,
    "OLE": _V.runtime_error,
    "QLE": _V.runtime_error,
    "CE": _V.compile_error,
    "WJ": _V.pending,
    "JUDGE": _V.pending,
    "IE": _V.judge_error,
}

_CODECHEF = {
    "AC": _V.accepted,
    "ACCEPTED": _V.accepted,
    "CORRECT ANSWER": _V.accepted,
    "WA": _V.wrong_answer,
    "WRONG ANSWER": _V.wrong_answer,
    "TLE": _V.time_limit,
    "TIME LIMIT EXCEEDED": _V.time_limit,
    "MLE": _V.memory_limit,
    "MEMORY LIMIT EXCEEDED": _V.memory_limit,
    "RTE": _V.runtime_error,
    "RE": _V.runtime_error,
    "RUNTIME ERROR": _V.runtime_error,
    "CE": _V.compile_error,
    "COMPILATION ERROR": _V.compile_error,
    "PARTIALLY ACCEPTED": _V.partial,
    "PA": _V.partial,
    "PENDING": _V.pending,
    "RUNNING": _V.pending,
    "IE": _V.judge_error,
    "INTERNAL ERROR": _V.judge_error,
}

# A jury package files its submissions under their expected verdict (the folder name is the raw verdict).
# "rejected" means any non-accepted verdict and "mixed" an unknown one; the importer sets is_correct for them.
_PACKAGE = {
    "ACCEPTED": _V.accepted,
    "WRONG_ANSWER": _V.wrong_answer,
    "TIME_LIMIT_EXCEEDED": _V.time_limit,
    "RUN_TIME_ERROR": _V.runtime_error,
    "MEMORY_LIMIT_EXCEEDED": _V.memory_limit,
    "COMPILE_ERROR": _V.compile_error,
    "REJECTED": _V.other,
    "MIXED": _V.other,
}

_TABLES: dict[Site, dict[str, Verdict]] = {
    Site.codeforces: _CODEFORCES,
    Site.atcoder: _ATCODER,
    Site.aoj: _AOJ,
    Site.yukicoder: _YUKICODER,
    Site.codechef: _CODECHEF,
    Site.package: _PACKAGE,
}

_IN_PROGRESS = re.compile(r"^\d+\s*/\s*\d+")  # AtCoder's "3/25" while judging
_CODECHEF_SCORE = re.compile(r"\((\d+(?:\.\d+)?)\)")  # CodeChef's "accepted (100)" or "(50)"


@lru_cache(maxsize=4096)
def normalize_verdict(site: Site | str, raw: str | None) -> Verdict:
    """The normalized verdict for ``raw`` as ``site`` prints it. No verdict at all means still pending."""
    if raw is None or not str(raw).strip():
        return Verdict.pending
    text = str(raw).strip()
    site = Site(site)
    if site not in _TABLES:
        return Verdict.other
    if site is Site.atcoder and _IN_PROGRESS.match(text):
        return Verdict.pending
    if site is Site.codechef:
        score = _CODECHEF_SCORE.search(text)
        head = _CODECHEF_SCORE.sub("", text).strip().upper()
        # runtime error (SIGSEGV) and friends carry their signal in brackets, not a score
        if head.startswith("RUNTIME ERROR"):
            return Verdict.runtime_error
        if score is not None and head in ("", "ACCEPTED", "AC", "PARTIALLY ACCEPTED"):
            return Verdict.accepted if float(score.group(1)) >= 100 else Verdict.partial
        text = head
    key = text.upper().replace(" ", "_") if site in (Site.codeforces, Site.yukicoder, Site.package) else text.upper()
    if site is Site.yukicoder:
        key = key.replace("_", "") if key == "NO_OUT" else key
    return _TABLES[site].get(key, Verdict.other)
