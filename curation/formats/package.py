"""``cpdata import package DIR...``: jury problem packages (the ICPC / Kattis problem package format) into the store.

A package is one problem with what only a jury has: the official hidden tests, the input validators that accept
exactly the valid inputs, the output validator where answers are not unique, and the jury's own solutions filed by
their expected verdict. What goes where:

- ``problem.yaml``: the name, ``validation`` (default, custom, custom interactive), ``validator_flags``, limits
  (``.timelimit`` or ``limits.time_limit`` in seconds, ``limits.memory`` in MiB, else Kattis' 2048 MiB), ``source``
  (the contest) and ``uuid`` (the problem id).
- ``problem_statement/problem.en.tex`` (``statement/`` since the 2023-07 format, or ``problem.en.md``): the statement,
  LaTeX turned into our Markdown with the TeX math kept; English first, else the first language there is.
- ``type`` (2023-07 and later): ``interactive`` is what ``validation: custom interactive`` was; an
  ``output_validator/`` folder (singular, one program) is what ``output_validators/`` was.
- ``constants`` (2025-09): ``{{name}}`` in the statement, validators and included files replaced by its value.
- ``include/<language>/`` and ``include/default/`` (2025-09): files every submission gets beside its source, stored
  as a program of role ``include`` so that judging gives them to every run.
- ``data/sample``: public tests; ``data/secret/**``: private tests (origin official), in path order, groups included.
- ``input_validators/``, ``output_validators/``: programs (C++ with their ``validate.h``, Python) or checktestdata
  scripts, stored in ``problem_program`` with their files.
- ``submissions/<verdict>/``: one submission each, the folder as its raw verdict: ``accepted`` correct;
  ``wrong_answer``, ``time_limit_exceeded``, ``run_time_error``, ``rejected`` incorrect; ``mixed`` unknown.

Import is idempotent (upserts by natural keys). Packages that carry ``generators/generators.yaml`` instead of their
secret tests get them made by the jury's own generators when the caller passes ``make_secret_tests`` (the command
does, with the sandbox: ``cpdata.curation.testgen.jurygen``); once made, they are kept on the next import.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpdata.schema import Contest, Problem, ProblemProgram, Site, Store, Submission, Test, TestKind, TestOrigin
from cpdata.schema.enums import Language
from cpdata.schema.languages import python_version_of

__all__ = ["PackageError", "PackageImport", "import_packages", "latex_to_markdown", "read_package"]

_DEFAULT_MEMORY_MIB = 2048  # Kattis' default when a package names none
_EXTENSIONS = {
    ".cpp": ("cpp", "C++20 (package)"),  # juries compile with a current standard (DOMjudge, Kattis: gnu++20 and up)
    ".cc": ("cpp", "C++20 (package)"),
    ".cxx": ("cpp", "C++20 (package)"),
    ".c": ("c", "C11 (package)"),
    ".py": ("python3", "Python 3 (package)"),
    ".java": ("java", "Java (package)"),
    ".kt": ("kotlin", "Kotlin (package)"),
    ".hs": ("haskell", "Haskell (package)"),
    ".rs": ("rust", "Rust 2021 (package)"),
    ".go": ("go", "Go (package)"),
}
_VERDICT_FOLDERS = {
    "accepted": True,
    "wrong_answer": False,
    "time_limit_exceeded": False,
    "run_time_error": False,
    "memory_limit_exceeded": False,
    "output_limit_exceeded": False,
    "rejected": False,
    "partially_accepted": False,  # a scoring problem's: fails some group, so a pass-fail judge rejects it
    "mixed": None,
}
_INCLUDE_LANGUAGES = {"any", "cpp", "c", "python3", "python2", "java", "kotlin", "rust", "go", "haskell"}
_PROGRAM_LANGUAGES = {".cpp": "cpp", ".cc": "cpp", ".c": "c", ".py": "python3", ".java": "java", ".ctd": "checktestdata"}


class PackageError(ValueError):
    """A directory that is not a readable problem package; the message says what is missing."""


@dataclass
class PackageImport:
    """What one ``import package`` stored, per package."""

    packages: list[dict[str, Any]] = field(default_factory=list)
    stored: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Read:
    contest: Contest
    problem: Problem
    tests: list[Test]
    submissions: list[Submission]
    programs: list[ProblemProgram]
    notes: list[str]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-") or "packages"


def _yaml(path: Path) -> dict[str, Any]:
    import yaml  # only the package importer needs it

    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PackageError(f"{path}: unreadable problem.yaml ({exc})") from exc
    if not isinstance(loaded, dict):
        raise PackageError(f"{path}: problem.yaml is not a mapping")
    return loaded


def _constants(config: dict[str, Any]) -> dict[str, str]:
    constants = config.get("constants")
    return {str(k): str(v) for k, v in constants.items()} if isinstance(constants, dict) else {}


def _substitute(text: str, constants: dict[str, str]) -> str:
    """The 2025-09 format's ``{{name}}`` replaced by the problem's constant (unknown names left as they are)."""
    if not constants or "{{" not in text:
        return text
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: constants.get(m.group(1), m.group(0)), text)


def _source(config: dict[str, Any]) -> tuple[str, str | None]:
    """(contest name, url): ``source: NAME`` with ``source_url``, or the 2023-07 format's ``source: {name, url}``."""
    source = config.get("source")
    url = config.get("source_url")
    if isinstance(source, dict):
        url = source.get("url") or url
        source = source.get("name")
    return str(source or "packages").strip(), str(url) if url else None


def _validation(package: Path, config: dict[str, Any]) -> str:
    """default, custom or custom interactive: the legacy ``validation`` key, or the 2023-07 format's ``type`` (a word
    or a list) and an ``output_validator/`` folder."""
    kinds = config.get("type")
    words = kinds if isinstance(kinds, list) else str(kinds or "").split()
    validation = str(config.get("validation") or "default").strip()
    if "interactive" in words:
        return "custom interactive"
    if (package / "output_validator").is_dir() and validation == "default":
        return "custom"
    if validation not in ("default", "custom", "custom interactive"):
        return "custom interactive" if "interactive" in validation else "custom"
    return validation


def _name(config: dict[str, Any], fallback: str) -> str:
    name = config.get("name")
    if isinstance(name, dict):
        name = name.get("en") or next(iter(name.values()), None)
    return str(name).strip() if name else fallback


def latex_to_markdown(tex: str, name: str | None = None) -> str:
    """A problem statement's LaTeX as our Markdown: sections as headings, lists as lists, emphasis and code kept,
    figures dropped, TeX math (``$...$``) kept as it is."""
    text = re.sub(r"(?<!\\)%.*", "", tex)  # comments
    text = re.sub(r"\\begin\{figure\}.*?\\end\{figure\}", "", text, flags=re.S)
    text = re.sub(r"\\illustration\{[^}]*\}\{[^}]*\}\{(?:[^{}]|\{[^{}]*\})*\}", "", text)
    text = re.sub(r"\\problemname\{(?:[^{}]|\{[^{}]*\})*\}", "", text)
    text = re.sub(r"\\begin\{(Input|Output|Interaction)\}", lambda m: f"\n## {m.group(1)}\n", text)
    text = re.sub(r"\\end\{(Input|Output|Interaction)\}", "\n", text)
    text = re.sub(r"\\section\*?\{([^}]*)\}", lambda m: f"\n## {m.group(1)}\n", text)
    text = re.sub(r"\\subsection\*?\{([^}]*)\}", lambda m: f"\n### {m.group(1)}\n", text)
    text = re.sub(r"\\begin\{(?:itemize|enumerate)\}|\\end\{(?:itemize|enumerate)\}", "\n", text)
    text = re.sub(r"[ \t]*\\item\s*", "\n- ", text)
    text = re.sub(r"\\href\{([^}]*)\}\{([^}]*)\}", r"[\2](\1)", text)
    text = re.sub(r"\\url\{([^}]*)\}", r"<\1>", text)
    text = re.sub(r"\\(?:emph|textit)\{([^}]*)\}", r"*\1*", text)
    text = re.sub(r"\\textbf\{([^}]*)\}", r"**\1**", text)
    text = re.sub(r"\\(?:texttt|verb)\{([^}]*)\}", r"`\1`", text)
    text = re.sub(r"\\(?:dots|ldots)\b", "...", text)
    text = re.sub(r"\\(?:vspace|hspace)\*?\{[^}]*\}|\\(?:centering|noindent|medskip|bigskip|smallskip)\b", "", text)
    text = text.replace("~", " ").replace("\\\\", "\n").replace("``", '"').replace("''", '"')
    text = re.sub(r"\n[ \t]+", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return f"# {name}\n\n{text}" if name else text


def _statement(package: Path, name: str, constants: dict[str, str]) -> tuple[str | None, str, list[str]]:
    """(statement as Markdown, its language, notes): English LaTeX or Markdown first, in the legacy
    ``problem_statement/`` or the 2023-07 format's ``statement/``."""
    notes = []
    candidates: list[Path] = []
    folders = (package / "problem_statement", package / "statement")
    for folder in folders:
        candidates += [folder / "problem.en.tex", folder / "problem.en.md", folder / "problem.tex", folder / "problem.md"]
        candidates += sorted((*folder.glob("problem.*.tex"), *folder.glob("problem.*.md")))
    pdfs = [p.name for p in (*package.glob("*.pdf"), *(f for d in folders for f in d.glob("problem*.pdf"))) if p.is_file()]
    if pdfs:
        notes.append(f"statement PDF in the package: {', '.join(sorted(set(pdfs)))}")
    for candidate in candidates:
        if candidate.is_file():
            parts = candidate.name.split(".")
            language = parts[1] if len(parts) == 3 else "en"
            text = _substitute(candidate.read_text(encoding="utf-8", errors="replace"), constants)
            if candidate.suffix == ".md":
                return (f"# {name}\n\n{text.strip()}" if name else text.strip()), language, notes
            return latex_to_markdown(text, name), language, notes
    notes.append("no statement (problem.en.tex or problem.en.md)")
    return None, "en", notes


def _limits(config: dict[str, Any]) -> dict[str, Any]:
    limits = config.get("limits")
    return limits if isinstance(limits, dict) else {}


def _time_limit_ms(package: Path, config: dict[str, Any]) -> int | None:
    limits = _limits(config)
    for value in ((package / ".timelimit").read_text().strip() if (package / ".timelimit").is_file() else None,
                  limits.get("time_limit")):  # fmt: skip
        try:
            return round(float(value) * 1000) if value is not None else None
        except ValueError:
            continue
    return None


def _tests(package: Path, key: dict[str, Any]) -> list[Test]:
    tests = []
    for kind, origin, folder in (
        (TestKind.public, TestOrigin.sample, package / "data" / "sample"),
        (TestKind.private, TestOrigin.official, package / "data" / "secret"),
    ):
        inputs = sorted(folder.rglob("*.in"), key=lambda p: p.relative_to(folder).as_posix()) if folder.is_dir() else []
        for ordinal, path in enumerate(inputs):
            answer = path.with_suffix(".ans")
            tests.append(
                Test(
                    **key,
                    kind=kind,
                    ordinal=ordinal,
                    origin=origin,
                    input=path.read_text(encoding="utf-8", errors="replace"),
                    output=answer.read_text(encoding="utf-8", errors="replace") if answer.is_file() else None,
                )
            )
    return tests


def _program_files(path: Path, constants: dict[str, str]) -> tuple[dict[str, str], str, str] | None:
    """(files, entry, language) of a validator that is one file or a directory of sources."""
    files = {path.name: path.read_text(encoding="utf-8", errors="replace")} if path.is_file() else {
        p.relative_to(path).as_posix(): p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.suffix in (*_PROGRAM_LANGUAGES, ".h", ".hpp")
    }  # fmt: skip
    files = {name: _substitute(text, constants) for name, text in files.items()}
    entries = [name for name in files if Path(name).suffix in _PROGRAM_LANGUAGES]
    if not entries:
        return None
    entry = entries[0]
    return files, entry, _PROGRAM_LANGUAGES[Path(entry).suffix]


def _programs(
    package: Path, key: dict[str, Any], validation: str | None, constants: dict[str, str]
) -> tuple[list[ProblemProgram], list[str]]:
    programs, notes = [], []
    for folder, role in (
        ("input_validators", "input_validator"),
        ("output_validators", "output_validator"),
        ("output_validator", "output_validator"),
    ):
        base = package / folder
        if not base.is_dir():
            continue
        if role == "output_validator" and validation == "custom interactive":
            role = "interactor"
        # the 2023-07 format's output_validator/ is one program (unless it holds a program's folder, as guess's
        # does), the legacy folders hold one program per entry
        direct = any(p.is_file() and p.suffix in _PROGRAM_LANGUAGES for p in base.iterdir())
        entries = [base] if folder == "output_validator" and direct else sorted(base.iterdir())
        for entry in entries:
            found = _program_files(entry, constants)
            if found is None:
                notes.append(f"{folder}/{entry.name}: no program we can build")
                continue
            files, main, language = found
            programs.append(ProblemProgram(**key, role=role, name=entry.name, language=language, files=files, entry=main))
    return programs, notes


def _includes(package: Path, key: dict[str, Any], constants: dict[str, str]) -> tuple[list[ProblemProgram], list[str]]:
    """``include/<language>/`` (``default``: every language) as programs of role ``include``: plain files only."""
    found, notes = [], []
    base = package / "include"
    for folder in sorted(base.iterdir()) if base.is_dir() else []:
        language = "any" if folder.name == "default" else folder.name
        if not folder.is_dir() or language not in _INCLUDE_LANGUAGES:
            notes.append(f"include/{folder.name}: not a language we run, left out")
            continue
        files = {}
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and "/" not in name and not name.startswith("."):
                files[name] = _substitute(path.read_text(encoding="utf-8", errors="replace"), constants)
            elif path.is_file():
                notes.append(f"include/{folder.name}/{name}: only plain files beside the source are given, left out")
        if files:
            found.append(ProblemProgram(**key, role="include", name=folder.name, language=language, files=files, entry=""))
    return found, notes


def _submissions(package: Path, key: dict[str, Any], problem_id: str) -> tuple[list[Submission], list[str]]:
    found, notes = [], []
    base = package / "submissions"
    for folder in sorted(base.iterdir()) if base.is_dir() else []:
        if not folder.is_dir() or folder.name not in _VERDICT_FOLDERS:
            if folder.is_dir():
                notes.append(f"submissions/{folder.name}: not a verdict folder, left out")
            continue
        for path in sorted(folder.iterdir()):
            language = _EXTENSIONS.get(path.suffix)
            if not path.is_file() or path.name.startswith("."):
                if path.is_dir():
                    notes.append(f"submissions/{folder.name}/{path.name}: a multi-file submission, left out")
                continue
            if language is None:
                notes.append(f"submissions/{folder.name}/{path.name}: unknown language, left out")
                continue
            source = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".py" and python_version_of(source) is Language.python2:
                language = ("python2", "Python 2 (package)")
            found.append(
                Submission(
                    **key,
                    submission_id=f"{problem_id}/{folder.name}/{path.name}",
                    problem_id=problem_id,
                    language_raw=language[1],
                    verdict_raw=folder.name,
                    is_correct=_VERDICT_FOLDERS[folder.name],
                    source_code=source,
                )
            )
    return found, notes


def read_package(package: Path) -> _Read:
    """Everything one package holds, as entities (nothing is written)."""
    if not (package / "problem.yaml").is_file():
        raise PackageError(f"{package}: no problem.yaml (not a problem package)")
    config = _yaml(package / "problem.yaml")
    constants = _constants(config)
    source, url = _source(config)
    contest_id = _slug(source)
    index = package.resolve().name
    key: dict[str, Any] = {"site": Site.package, "contest_id": contest_id, "index": index}
    name = _name(config, index)
    problem_id = str(config.get("uuid") or f"{contest_id}/{index}")
    validation = _validation(package, config)
    flags = config.get("validator_flags")
    statement, statement_language, notes = _statement(package, name, constants)
    memory = _limits(config).get("memory")
    multiplier = _limits(config).get("time_multiplier")
    memory_mib = memory if isinstance(memory, int | float) else _DEFAULT_MEMORY_MIB
    problem = Problem(
        **key,
        problem_id=problem_id,
        name=name,
        statement=statement,
        statement_format="markdown" if statement else None,
        statement_language=statement_language,
        time_limit_ms=_time_limit_ms(package, config),
        memory_limit_bytes=int(memory_mib) << 20,
        interactive=validation == "custom interactive",
        compare="tokens",
        validation=validation,
        validator_flags=str(flags) if flags else None,
        time_multiplier=float(multiplier) if isinstance(multiplier, int | float) and multiplier > 0 else None,
        url=url,
        tags=[],
    )
    tests = _tests(package, key)
    if not any(t.kind is TestKind.private for t in tests):
        generators = (package / "generators" / "generators.yaml").is_file()
        made_by = " (the package makes them with generators/: import with the sandbox)" if generators else ""
        notes.append("no secret tests" + made_by)
    programs, program_notes = _programs(package, key, validation, constants)
    includes, include_notes = _includes(package, key, constants)
    programs += includes
    program_notes += include_notes
    submissions, submission_notes = _submissions(package, key, problem_id)
    contest = Contest(site=Site.package, contest_id=contest_id, name=source, kind="package")
    return _Read(contest, problem, tests, submissions, programs, [*notes, *program_notes, *submission_notes])


def _package_dirs(paths: list[Path]) -> list[Path]:
    """The packages named, or found one level below a directory of packages."""
    found = []
    for path in paths:
        if (path / "problem.yaml").is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(p for p in path.iterdir() if (p / "problem.yaml").is_file())
    return found


SecretTestMaker = Callable[[Path, Problem], tuple[list[Test], list[str]]]
"""(package, problem) -> (secret tests made by the package's generators, what could not be made)."""


def _made_secret_tests(store: Store, package: Path, read: _Read, make: SecretTestMaker) -> list[Test]:
    """The secret tests of a package that ships their generators: made now, or kept from an earlier import."""
    if not (package / "generators" / "generators.yaml").is_file():
        return []
    earlier = [t for t in store.tests_for([read.problem.key])[read.problem.key] if t.kind is TestKind.private]
    if earlier:
        read.notes[:] = [n for n in read.notes if not n.startswith("no secret tests")]
        read.notes.append(f"{len(earlier)} secret tests made by the jury's generators on an earlier import, kept")
        return earlier
    tests, failed = make(package, read.problem)
    read.notes[:] = [n for n in read.notes if not n.startswith("no secret tests")]
    read.notes.append(f"{len(tests)} secret tests made by the jury's generators (generators/generators.yaml)")
    read.notes += [f"not made: {reason}" for reason in failed]
    return tests


def import_packages(store: Store, paths: list[Path], make_secret_tests: SecretTestMaker | None = None) -> PackageImport:
    report = PackageImport()
    for package in _package_dirs(paths) or paths:
        try:
            read = read_package(package)
        except (PackageError, OSError, ValueError) as exc:  # one bad package is one reported error
            report.errors.append(str(exc))
            continue
        stored = Counter[str]()
        stored.update(store.write([read.contest, read.problem])[0])
        if make_secret_tests is not None and not any(t.kind is TestKind.private for t in read.tests):
            read.tests += _made_secret_tests(store, package, read, make_secret_tests)
        stored.update(store.write(read.tests)[0])
        stored.update(store.write(read.submissions)[0])
        stored["program"] += store.write_programs(read.programs)
        report.stored.update(stored)
        report.packages.append(
            {
                "problem": "/".join(read.problem.key),
                "path": str(package),
                "name": read.problem.name,
                "validation": read.problem.validation,
                "tests": dict(Counter(t.kind.value for t in read.tests)),
                "submissions": dict(Counter(s.verdict_raw for s in read.submissions)),
                "programs": [f"{p.role}:{p.name} ({p.language})" for p in read.programs],
                "notes": read.notes,
            }
        )
    return report
