"""Validators and checkers are part of a problem: they run in the sandbox like any untrusted program.

- **Input validators** (a package's ``input_validators``): a program (C++ with its ``validate.h``, Python) or a
  checktestdata script (``*.ctd``, turned into a Python program by the ``checktestdata`` package). Each gets the
  test's input on stdin and exits 42 when it is valid, 43 when it is not; anything else is the validator failing.
  An input is valid when every validator of the problem says so.
- **Output validators** (checkers): ``checker input judge_answer feedback_dir [validator_flags] < team_output``,
  exit 42 accepted, 43 wrong answer. A small harness inside the sandbox unpacks the three files from the test's
  stdin, so the checks of many outputs run in one sandbox (``run_batch``) like any other tests.
- **A judge per problem** (``Judge.for_problem``): the checker when the problem has one, else the comparison its
  ``compare`` mode names (the Kattis default validator with its flags, CodeContests' lenient rule, or exact).
  Checker verdicts are cached in the store (``execution_result``, under the checker's own hash), so verify runs a
  checker once per (input, answer, output) and the curation steps read its verdicts without running anything.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cpdata.curation.judging.judge import JobResult, Outcome, ResultCache, input_key, outputs_match
from cpdata.curation.sandbox.sandbox import Program, RunLimits, RunStatus, Sandbox
from cpdata.schema import Language, Problem, ProblemProgram, Store

__all__ = [
    "CheckerUnavailable",
    "InputValidators",
    "Judge",
    "check_key",
    "known_validity",
    "needed_libraries",
    "pack_files",
    "validator_program",
    "validators_identity",
]

VALID, INVALID = 42, 43
_VALIDATOR_LIMITS = RunLimits(time_ms=10_000, memory_bytes=1 << 30, wall_factor=2.0, output_bytes=1 << 20)
_CHECKER_LIMITS = RunLimits(time_ms=10_000, memory_bytes=1 << 30, wall_factor=2.0, output_bytes=1 << 20)
_HARNESS = """import os, subprocess, sys
data = sys.stdin.buffer.read()
parts, at = [], 0
for _ in range(3):
    size = int.from_bytes(data[at:at + 8], "big"); at += 8
    parts.append(data[at:at + size]); at += size
os.makedirs("feedback", exist_ok=True)
open("input", "wb").write(parts[0]); open("answer", "wb").write(parts[1]); open("team", "wb").write(parts[2])
split = sys.argv.index("--")
command, extra = sys.argv[1:split], sys.argv[split + 1:]
with open("team", "rb") as team:
    done = subprocess.run(command + ["input", "answer", "feedback/"] + extra, stdin=team)
try:
    sys.stdout.write(open("feedback/judgemessage.txt", errors="replace").read()[:2000])
except OSError:
    pass
sys.exit(done.returncode)
"""


# What a forgiving judge includes before a jury's C or C++ program that forgot a standard header.
_PRELUDES = {
    Language.cpp: "#include <bits/stdc++.h>\n",
    Language.c: "".join(
        f"#include <{h}.h>\n" for h in ("stdio", "stdlib", "string", "math", "stdint", "stdbool", "limits", "ctype", "assert")
    ),
}
# Libraries jury programs use beyond the standard one: (what a missing header's error mentions, the library, its package).
_LIBRARIES = (
    ("boost/", "Boost", "libboost-dev"),
    ("gmp", "GMP", "libgmp-dev"),
    ("testlib.h", "testlib", "a testlib.h beside it"),
)


def needed_libraries(program: ProblemProgram) -> list[str]:
    """Libraries a jury program includes that a machine may lack (``cpdata doctor`` lists them with their packages)."""
    text = "\n".join(program.files.values())
    return [f"{library} (apt-get install {package})" for header, library, package in _LIBRARIES[:2] if f"<{header}" in text]


class CheckerUnavailable(RuntimeError):
    """The problem's checker or validator cannot be built or run here (the reason is in the message)."""


def _ctd_to_python(script: str) -> str:
    """A checktestdata script as a standalone Python program (exit 42 valid, 43 invalid), by the checktestdata package."""
    with tempfile.TemporaryDirectory(prefix="cpdata-ctd-") as scratch:
        source, target = Path(scratch) / "validator.ctd", Path(scratch) / "validator.py"
        source.write_text(script, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "checktestdata", "--convert", str(target), str(source)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0 or not target.exists():
            raise CheckerUnavailable(f"checktestdata cannot read this script: {done.stderr.strip()[:300]}")
        return target.read_text(encoding="utf-8")


def validator_program(
    sandbox: Sandbox, program: ProblemProgram, *, harness: bool = False, beside: dict[str, str] | None = None
) -> Program:
    """Build a problem's program (validator, checker or interactor) in the sandbox; with ``harness``, wrap it to be
    fed checks; ``beside``: more files written next to it (an interactor's harness)."""
    files = dict(program.files)
    entry = program.entry
    if program.language == "checktestdata":
        entry, language, code = "validator.py", Language.python3, _ctd_to_python(files[program.entry])
    else:
        language, code = Language(program.language), files.pop(entry)
    extra = {name: text for name, text in files.items() if name != entry}
    if harness:
        extra["cpdata_check.py"] = _HARNESS
    extra.update(beside or {})
    raw = "C++20" if language is Language.cpp else None
    try:
        built = sandbox.prepare(language, code, language_raw=raw, files=extra)
    except ValueError as exc:  # a file in a folder of its own, no toolchain: the program cannot be built here
        raise CheckerUnavailable(f"{program.role} {program.name} cannot be built here: {exc}") from exc
    if not built.ok and language in _PRELUDES:
        # Judges build jury programs with whatever their compiler's headers pull in; GCC 12's do not bring <cstring> or
        # <array> along with <iostream>. Built again with every standard header included first (not the first try:
        # a program may use a name, such as y1, that <cmath> declares).
        again = sandbox.prepare(language, _PRELUDES[language] + code, language_raw=raw, files=extra)
        built = again if again.ok else built
    if not built.ok:
        assert built.compile_result is not None
        error = built.compile_result.stderr
        needs = [f"{library} (Debian: apt-get install {package})" for header, library, package in _LIBRARIES if header in error]
        hint = f"; it needs {', '.join(needs)}" if needs else ""
        raise CheckerUnavailable(f"{program.role} {program.name} does not build here{hint}: {error[-500:]}")
    if harness:  # the harness runs the checker with the three files it unpacked, then the flags after "--"
        built.run = ["python3", "-S", "{PROGRAM}/cpdata_check.py", *built.run, "--"]
    return built


def validators_identity(programs: Sequence[ProblemProgram], flags: str | None) -> str:
    """The validators' name in the results cache: a hash of their files and flags (a changed validator re-checks)."""
    text = "\0".join(
        [flags or "", *(f"{p.name}\0{p.entry}\0" + "\0".join(f"{k}\0{v}" for k, v in sorted(p.files.items())) for p in programs)]
    )
    return "validator:" + hashlib.sha256(text.encode()).hexdigest()


def known_validity(store: Store, problem: Problem, inputs: Sequence[str]) -> list[bool | None] | None:
    """Cached verdicts of the problem's input validators, running nothing: None when it has no validator, else per
    input valid / invalid / None (not checked yet)."""
    programs = [p for p in store.programs_for(problem.key) if p.role == "input_validator"]
    if not programs:
        return None
    keys = [input_key(text) for text in inputs]
    found = ResultCache(store).get(validators_identity(programs, problem.validator_flags), keys, _limits())
    return [None if k not in found else found[k].status == RunStatus.ok.value for k in keys]


@dataclass
class InputValidators:
    """Every input validator of one problem, built once. Verdicts are cached (``validator:<hash>``), so a test is
    checked once and the export reports validity without running anything."""

    sandbox: Sandbox
    programs: list[Program] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    flags: str | None = None
    cache: ResultCache | None = None
    identity: str = ""

    @classmethod
    def for_problem(
        cls, store: Store, sandbox: Sandbox, problem: Problem, programs: Sequence[ProblemProgram] | None = None
    ) -> InputValidators | None:
        """The problem's stored input validators, built (``programs``: these instead, e.g. an inferred specification
        standing in for a jury validator that does not build here)."""
        if programs is None:
            programs = [p for p in store.programs_for(problem.key) if p.role == "input_validator"]
        found = list(programs)
        if not found:
            return None
        validators = cls(sandbox, flags=problem.validator_flags, cache=ResultCache(store))
        validators.identity = validators_identity(found, problem.validator_flags)
        for program in found:
            validators.programs.append(validator_program(sandbox, program))
            validators.names.append(program.name)
        return validators

    def check(self, inputs: Sequence[str]) -> list[bool | None]:
        """For each input: valid (every validator exits 42), invalid (one exits 43), None (a validator failed)."""
        keys = [input_key(text) for text in inputs]
        cached = self.cache.get(self.identity, keys, _limits()) if self.cache is not None else {}
        verdicts: list[bool | None] = [None if k not in cached else cached[k].status == RunStatus.ok.value for k in keys]
        missing = [i for i, v in enumerate(verdicts) if v is None]
        fresh = self._run([inputs[i] for i in missing])
        stored = JobResult("validator", self.identity, _limits())
        for position, verdict in zip(missing, fresh, strict=True):
            verdicts[position] = verdict
            if verdict is not None:  # a validator that failed is our problem, not a verdict on the input: not cached
                status = RunStatus.ok if verdict else RunStatus.wrong_answer
                stored.outcomes[keys[position]] = Outcome(status.value, None, None, None, None)
        if self.cache is not None and stored.outcomes:
            self.cache.put(stored)
        return verdicts

    def _run(self, inputs: Sequence[str]) -> list[bool | None]:
        verdicts: list[bool | None] = [True] * len(inputs)
        if not inputs:
            return verdicts
        for program in self.programs:
            results = self.sandbox.run_batch(program, [text.encode() for text in inputs], _VALIDATOR_LIMITS)
            for position, result in enumerate(results):
                if verdicts[position] is False:
                    continue
                code = result.exit_code
                if code == INVALID:
                    verdicts[position] = False
                elif code != VALID:
                    verdicts[position] = None
        return verdicts

    def close(self) -> None:
        for program in self.programs:
            self.sandbox.cleanup(program)


def _limits() -> RunLimits:
    return _VALIDATOR_LIMITS


def check_key(input_text: str, answer: str, output: str) -> str:
    return hashlib.sha256(f"{input_text}\0{answer}\0{output}".encode()).hexdigest()


@dataclass
class Judge:
    """Does an output answer a test? The problem's checker (cached verdicts), or its comparison mode."""

    problem: Problem
    checker: ProblemProgram | None
    cache: ResultCache | None = None
    sandbox: Sandbox | None = None
    _built: Program | None = None
    interactor: ProblemProgram | None = None
    """An interactive problem's interactor: the run itself gives the verdict (``interactive``), nothing to check after."""
    includes: list[ProblemProgram] = field(default_factory=list)
    """Files the jury gives every submission (a package's ``include/``), per language."""

    @classmethod
    def for_problem(cls, store: Store, problem: Problem, sandbox: Sandbox | None = None) -> Judge:
        programs = store.programs_for(problem.key)
        checker = interactor = None
        if problem.validation == "custom" or problem.interactive:
            checker = next((p for p in programs if p.role == "output_validator"), None) if not problem.interactive else None
            interactor = next((p for p in programs if p.role == "interactor"), None) if problem.interactive else None
        includes = [p for p in programs if p.role == "include"]
        return cls(problem, checker, ResultCache(store), sandbox, interactor=interactor, includes=includes)

    def files_for(self, language: Language | str) -> dict[str, str]:
        """The files a submission in ``language`` gets beside its source: the package's ``include/default/`` and
        ``include/<language>/`` (the language's own file wins where both name one)."""
        files: dict[str, str] = {}
        for include in sorted(self.includes, key=lambda p: p.language != "any"):
            if include.language in ("any", str(language)):
                files.update(include.files)
        return files

    def test_key(self, input_text: str | None, answer: str | None) -> str:
        """A test's name in the results cache. An interactive run's outcome is already judged, by this interactor
        against this answer, so all three are in its name."""
        if self.interactor is None:
            return input_key(input_text or "")
        return input_key(f"{self.identity}\0{input_text or ''}\0{answer or ''}")

    @property
    def identity(self) -> str:
        """The checker's (or interactor's) name in the results cache: a hash of its files and flags."""
        program = self.checker or self.interactor
        assert program is not None
        text = "\0".join(
            [program.entry, *(f"{k}\0{v}" for k, v in sorted(program.files.items())), self.problem.validator_flags or ""]
        )
        return ("interactor:" if self.checker is None else "checker:") + hashlib.sha256(text.encode()).hexdigest()

    def known(self, triples: Sequence[tuple[str, str, str]]) -> list[bool | None]:
        """Verdicts without running anything: the comparison, or the checker's cached verdicts (None: not checked)."""
        if self.interactor is not None:  # the interactor judged each run as it happened: a finished run passed
            return [True] * len(triples)
        if self.checker is None:
            mode = self.problem.compare or "lenient"
            return [outputs_match(out, answer, mode, self.problem.validator_flags) for _, answer, out in triples]
        assert self.cache is not None
        keys = [check_key(*t) for t in triples]
        found = self.cache.get(self.identity, keys, _checker_limits())
        return [None if k not in found else found[k].status == RunStatus.ok.value for k in keys]

    def accepts(self, triples: Sequence[tuple[str, str, str]]) -> list[bool | None]:
        """Verdicts, running the checker (in one sandbox) on what is not cached yet; None if the checker failed."""
        verdicts = self.known(triples)
        missing = [i for i, v in enumerate(verdicts) if v is None]
        if self.checker is None or not missing:
            return verdicts
        if self.sandbox is None:
            raise CheckerUnavailable("a checker needs a sandbox to run in")
        if self._built is None:
            self._built = validator_program(self.sandbox, self.checker, harness=True)
            if self.problem.validator_flags:
                self._built.run += self.problem.validator_flags.split()
        packed = [pack_files(*triples[i]) for i in missing]
        results = self.sandbox.run_batch(self._built, packed, _CHECKER_LIMITS)
        stored = JobResult("checker", self.identity, _checker_limits())
        for position, result in zip(missing, results, strict=True):
            if result.exit_code == VALID:
                verdicts[position] = True
            elif result.exit_code == INVALID:
                verdicts[position] = False
            else:
                continue  # the checker itself failed: no verdict, nothing cached
            status = RunStatus.ok if verdicts[position] else RunStatus.wrong_answer
            stored.outcomes[check_key(*triples[position])] = Outcome(
                status.value, result.time_ms, None, None, result.stdout.decode("utf-8", "replace")[:2000] or None
            )
        assert self.cache is not None
        self.cache.put(stored)
        return verdicts

    def close(self) -> None:
        if self._built is not None and self.sandbox is not None:
            self.sandbox.cleanup(self._built)
            self._built = None


def _checker_limits() -> RunLimits:
    return _CHECKER_LIMITS


def pack_files(*texts: str) -> bytes:
    """Texts as one byte string a harness in the sandbox unpacks (each an 8-byte length, then its bytes): the
    checker's input, answer and output, or an interactor's input and answer."""
    blobs = [text.encode() for text in texts]
    return b"".join(len(b).to_bytes(8, "big") + b for b in blobs)
