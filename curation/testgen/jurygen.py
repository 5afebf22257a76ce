"""The jury's own generators: secret tests of packages that ship ``generators/generators.yaml`` instead of the tests.

Many ICPC packages (those made with BAPCtools) commit the programs and the recipe that make their secret tests, not
the tests. Four of the seven shared packages are such. Without their tests, "official" would mean the samples only,
and every figure measured against the jury's tests would be wrong. So we run the recipe, as ``bt generate`` does:

- ``data.secret`` (and groups below it) lists test cases: a command ``program args...`` whose stdout is the input,
  or ``{in: "literal"}``; ``{seed}``, ``{seed:N}`` and ``{name}`` in a command are filled in. A program is a file or
  a directory under ``generators/`` (or one the ``generators:`` map lists with its headers); C++, C and Python.
- The answer of each input comes from the recipe's ``solution`` (a jury-accepted program, run in the sandbox);
  an interactive problem's answers are empty, as BAPCtools leaves them.
- Seeds: BAPCtools derives them from a hash of the command; ours is a SHA-256 of it, so the tests are of the same
  kind and size as the jury's, not byte for byte the same. Each test keeps its generator and arguments
  (``test.generator``, ``test.generator_args``), origin ``official``, its group in its place in the order.

Generators and solutions are untrusted programs like any other: they run in the sandbox.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpdata.curation.sandbox.sandbox import Program, RunLimits, RunStatus, Sandbox
from cpdata.schema import Language, Problem, Test, TestKind, TestOrigin

__all__ = ["GeneratorError", "JuryTestCase", "JuryTests", "generate_jury_tests", "jury_recipe"]

_SOURCES = {".cpp": Language.cpp, ".cc": Language.cpp, ".c": Language.c, ".py": Language.python3}
_HEADERS = (".h", ".hpp")
_LIMITS = RunLimits(time_ms=60_000, memory_bytes=2 << 30, wall_factor=2.0, output_bytes=256 << 20, file_bytes=256 << 20)
_SEED = re.compile(r"\{seed(?::(\d+))?\}")


class GeneratorError(ValueError):
    """A recipe or a program of it that cannot be read, built or run; the message says which."""


@dataclass(frozen=True)
class JuryTestCase:
    """One secret test of the recipe: its place, its group and how it is made."""

    group: str
    name: str
    command: str | None = None
    literal: str | None = None


@dataclass
class JuryTests:
    tests: list[Test] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    """Test cases that could not be made (program that does not build or run), each with its reason."""


def _cases(node: Any, group: str) -> Iterator[JuryTestCase]:
    """The test cases of a directory node, in the recipe's order (a list keeps its order, a mapping its own)."""
    if not isinstance(node, dict):
        return
    data = node.get("data")
    entries: list[tuple[str, Any]] = []
    if isinstance(data, dict):
        entries = [(str(name), value) for name, value in data.items()]
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                entries += [(str(name), value) for name, value in item.items()]
    for number, (name, value) in enumerate(entries, start=1):
        if isinstance(value, dict) and "data" in value:  # a group
            yield from _cases(value, f"{group}/{name}")
        elif isinstance(value, str):
            yield JuryTestCase(group, f"{number:03d}-{name}", command=value)
        elif isinstance(value, dict) and isinstance(value.get("generate"), str):
            yield JuryTestCase(group, f"{number:03d}-{name}", command=value["generate"])
        elif isinstance(value, dict) and isinstance(value.get("in"), str):
            yield JuryTestCase(group, f"{number:03d}-{name}", literal=value["in"])
        # anything else (copy:, a sample named only) brings no test we can make: a sample comes from data/sample


def jury_recipe(package: Path) -> tuple[list[JuryTestCase], dict[str, Any]] | None:
    """The secret test cases of ``generators/generators.yaml`` and the recipe itself; None if there is none."""
    import yaml

    path = package / "generators" / "generators.yaml"
    if not path.is_file():
        return None
    try:
        recipe = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise GeneratorError(f"{path}: unreadable ({exc})") from exc
    if not isinstance(recipe, dict) or not isinstance(recipe.get("data"), dict):
        raise GeneratorError(f"{path}: no data: mapping")
    return list(_cases(recipe["data"].get("secret"), "secret")), recipe


def _fill(command: str, name: str) -> str:
    def seed(match: re.Match[str]) -> str:
        digest = hashlib.sha256(f"{command}\0{match.group(1) or ''}".encode()).digest()
        return str(int.from_bytes(digest[:4], "big") & 0x7FFFFFFF)

    return _SEED.sub(seed, command).replace("{name}", name)


def _program_files(package: Path, recipe: dict[str, Any], name: str) -> tuple[Language, str, dict[str, str]]:
    """(language, main source, other files) of the program a command names."""
    base = package / "generators"
    listed = (recipe.get("generators") or {}).get(name) if isinstance(recipe.get("generators"), dict) else None
    if name.startswith("/"):
        paths = [package / name.lstrip("/")]
    elif isinstance(listed, list):
        paths = [base / str(p) for p in listed]
    elif (base / name).is_dir():
        paths = sorted(p for p in (base / name).iterdir() if p.is_file())
    else:
        stem = base / name
        paths = [stem] if stem.is_file() else [stem.with_suffix(s) for s in _SOURCES if stem.with_suffix(s).is_file()][:1]
        if paths and paths[0].suffix in (".cpp", ".cc", ".c"):  # a single C++ generator may include headers beside it
            paths += sorted(p for p in base.iterdir() if p.suffix in _HEADERS)
    sources = [p for p in paths if p.suffix in _SOURCES and p.is_file()]
    if not sources:
        raise GeneratorError(f"generator {name!r}: no C, C++ or Python source under {base}")
    main = sources[0]
    files = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in paths if p.is_file() and p != main}
    return _SOURCES[main.suffix], main.read_text(encoding="utf-8", errors="replace"), files


class _Programs:
    """Programs built once each, cleaned up at the end."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.built: dict[str, Program] = {}

    def get(self, name: str, make: Callable[[], tuple[Language, str, dict[str, str]]]) -> Program:
        if name not in self.built:
            language, code, files = make()
            raw = "C++20" if language is Language.cpp else None  # juries build with a current standard
            self.built[name] = self.sandbox.prepare(language, code, language_raw=raw, files=files)
        program = self.built[name]
        if not program.ok:
            assert program.compile_result is not None
            raise GeneratorError(f"{name} does not build here: {program.compile_result.stderr[-300:]}")
        return program

    def close(self) -> None:
        for program in self.built.values():
            self.sandbox.cleanup(program)


def generate_jury_tests(
    sandbox: Sandbox, package: Path, problem: Problem, progress: Callable[[int, int], None] | None = None
) -> JuryTests:
    """Run the package's recipe: its secret tests, with answers from its solution. Nothing is written here."""
    found = jury_recipe(package)
    if found is None:
        return JuryTests()
    cases, recipe = found
    made = JuryTests()
    programs = _Programs(sandbox)
    key = {"site": problem.site, "contest_id": problem.contest_id, "index": problem.index}
    try:
        inputs: list[tuple[JuryTestCase, str, str | None, str | None]] = []
        for number, case in enumerate(cases):
            if progress is not None:
                progress(number, len(cases))
            if case.literal is not None:
                inputs.append((case, case.literal if case.literal.endswith("\n") else case.literal + "\n", None, None))
                continue
            assert case.command is not None
            words = shlex.split(_fill(case.command, case.name))
            try:
                generator = programs.get(words[0], lambda w=words[0]: _program_files(package, recipe, w))  # type: ignore[misc]
            except (GeneratorError, OSError, ValueError) as exc:
                made.failed.append(f"{case.group}/{case.name}: {exc}")
                continue
            run = sandbox.run(_with_arguments(generator, words[1:]), b"", _LIMITS)
            if run.status is not RunStatus.ok:
                made.failed.append(f"{case.group}/{case.name}: {case.command}: {run.status} {run.detail}".strip())
                continue
            inputs.append((case, run.stdout.decode("utf-8", "replace"), words[0], shlex.join(words[1:])))
        answers = _answers(sandbox, programs, package, recipe, problem, [text for _, text, _, _ in inputs], made)
        for ordinal, ((case, text, generator_name, arguments), answer) in enumerate(zip(inputs, answers, strict=True)):
            if answer is None:
                continue
            made.tests.append(
                Test(
                    **key,
                    kind=TestKind.private,
                    ordinal=ordinal,
                    origin=TestOrigin.official,
                    input=text,
                    output=answer,
                    generator=generator_name or "in",
                    generator_args=f"{case.group}/{case.name}" + (f": {arguments}" if arguments else ""),
                )
            )
        if progress is not None:
            progress(len(cases), len(cases))
    finally:
        programs.close()
    return made


def _with_arguments(program: Program, arguments: list[str]) -> Program:
    return Program(program.language, program.directory, [*program.run, *arguments], recipe=program.recipe)


def _answers(
    sandbox: Sandbox,
    programs: _Programs,
    package: Path,
    recipe: dict[str, Any],
    problem: Problem,
    inputs: list[str],
    made: JuryTests,
) -> list[str | None]:
    """The answer to each input, by the recipe's solution (empty for an interactive problem)."""
    if problem.interactive or not inputs:
        return ["" for _ in inputs]
    solution = recipe.get("solution")
    if not isinstance(solution, str) or not (package / solution.lstrip("/")).is_file():
        accepted = sorted((package / "submissions" / "accepted").glob("*.*"))
        solution = f"/{accepted[0].relative_to(package).as_posix()}" if accepted else None
    if solution is None:
        made.failed.append("no solution to make the answers with")
        return [None for _ in inputs]
    path = package / solution.lstrip("/")
    if path.suffix not in _SOURCES:
        made.failed.append(f"solution {solution}: not C, C++ or Python")
        return [None for _ in inputs]
    try:
        program = programs.get(solution, lambda: (_SOURCES[path.suffix], path.read_text(encoding="utf-8"), {}))
    except (GeneratorError, OSError) as exc:
        made.failed.append(f"solution {solution}: {exc}")
        return [None for _ in inputs]
    # The answers come from a jury-accepted program: generous time, so a slow machine never makes a wrong answer.
    memory = problem.memory_limit_bytes or 2 << 30
    limits = RunLimits(time_ms=max(10_000, 4 * (problem.time_limit_ms or 2000)), memory_bytes=memory)
    results = sandbox.run_batch(program, [text.encode() for text in inputs], limits)
    answers: list[str | None] = []
    for number, result in enumerate(results):
        if result.status is RunStatus.ok:
            answers.append(result.stdout.decode("utf-8", "replace"))
        else:
            made.failed.append(f"answer {number}: {solution} ended with {result.status} {result.detail}".strip())
            answers.append(None)
    return answers
