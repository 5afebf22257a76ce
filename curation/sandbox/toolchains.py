"""Languages as the sites name them: which compiler, standard and interpreter a submission gets.

``language_raw`` decides: "GNU G++20 11.2.0" compiles with ``-std=gnu++20``, "C++23 (GCC 13-64)" with
``-std=gnu++23``, "PyPy 3-64" runs on PyPy when it is installed (on CPython otherwise, and the recipe says so).
A toolchain must be installed system-wide (under /usr: the sandbox shows the program nothing else); a submission
whose toolchain is missing gets no recipe, and the caller skips and counts it instead of running it under the wrong
compiler. ``toolchain_id`` (the commands and the tools' versions) keys the binary cache and the results cache.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from cpdata.schema.enums import Language

__all__ = ["Recipe", "missing_toolchain", "recipe_for", "toolchain_id"]

_CPP_STANDARD = re.compile(r"(?:c\+\+|g\+\+|clang\+\+|cpp)\s*(\d{2})\b|\bc\+\+\s*\((?:gcc|clang)[^)]*\)\s*(\d{2})", re.I)
_C_STANDARD = re.compile(r"\bc\s*(\d{2})\b|gnu\s*c\s*(\d{2})\b", re.I)
_CPP_STANDARDS = {"98": "98", "03": "03", "11": "11", "14": "14", "17": "17", "20": "20", "23": "23", "26": "26"}
_EDITION = re.compile(r"\b(2015|2018|2021|2024)\b")


@dataclass(frozen=True)
class Recipe:
    language: Language
    dialect: str
    """What the submission is compiled or run as: gnu++20, c11, cpython3, pypy3, java, kotlin, rust2021, go."""
    source_name: str
    compile: tuple[str, ...] | None
    run: tuple[str, ...]
    """``{PROGRAM}`` is the build directory as the program sees it, ``{XMX}`` the JVM heap limit."""
    needs: tuple[str, ...]
    note: str = ""
    """Set when the recipe is not quite what the site used (PyPy asked, CPython given)."""
    fallbacks: tuple[tuple[str, ...], ...] = ()
    """Compile commands tried in turn when ``compile`` fails: a jury package names no C++ standard, and a solution
    written in 2018 may not build as C++20 (a ``size()`` of its own made ambiguous by ``std::size``), where the
    judges of its day built it."""


@lru_cache(maxsize=64)
def _system_tool(name: str) -> str | None:
    """The tool's path if it is installed where the sandbox can see it (under /usr)."""
    found = shutil.which(name, path="/usr/local/bin:/usr/bin:/bin")
    return found if found and found.startswith(("/usr/", "/bin/")) else None


def _java_class(code: str) -> str:
    found = re.search(r"public\s+(?:final\s+)?class\s+(\w+)", code)
    return found.group(1) if found else "Main"


def _cpp_standard(raw: str) -> str:
    for match in _CPP_STANDARD.finditer(raw):
        number = match.group(1) or match.group(2)
        if number in _CPP_STANDARDS:
            return number
    if "2b" in raw.lower():
        return "23"
    return "17"  # the old sites' default, and what most unlabelled "C++" submissions were written for


def recipe_for(language: Language | str, code: str, language_raw: str | None = None) -> Recipe | None:
    """How to build and run this submission here, or None when this machine has no toolchain for it."""
    family = Language(language)
    raw = language_raw or ""
    if family is Language.cpp:
        standard = _cpp_standard(raw)
        flags: tuple[str, ...] = ("g++", f"-std=gnu++{standard}", "-O2", "-pipe", "-o", "main", "main.cpp")
        older = ("17", "14") if "(package)" in raw else ()  # only where no standard was named by the judge
        fallbacks = tuple(tuple(f"-std=gnu++{s}" if f == flags[1] else f for f in flags) for s in older if s < standard)
        recipe = Recipe(family, f"gnu++{standard}", "main.cpp", flags, ("{PROGRAM}/main",), ("g++",), fallbacks=fallbacks)
    elif family is Language.c:
        found = _C_STANDARD.search(raw)
        standard = next((g for g in (found.groups() if found else ()) if g), "11")
        flags = ("gcc", f"-std=gnu{standard}", "-O2", "-pipe", "-o", "main", "main.c", "-lm")
        recipe = Recipe(family, f"c{standard}", "main.c", flags, ("{PROGRAM}/main",), ("gcc",))
    elif family is Language.python3:
        if "pypy" in raw.lower() and _system_tool("pypy3"):
            recipe = Recipe(family, "pypy3", "main.py", None, ("pypy3", "{PROGRAM}/main.py"), ("pypy3",))
        else:
            note = "PyPy is not installed: run on CPython" if "pypy" in raw.lower() else ""
            # -E -s (no PYTHON* variables, no user site-packages), not -S: judges run Python with its site module, and
            # accepted solutions call exit() and quit(), which only the site module defines. Not -I: it also takes the
            # program's own directory off sys.path, where a package's included files (``import include``) are.
            recipe = Recipe(family, "cpython3", "main.py", None, ("python3", "-E", "-s", "{PROGRAM}/main.py"), ("python3",), note)
    elif family is Language.python2:
        # Debian dropped Python 2; PyPy 2 or a python2 installed under /usr still runs the old jury solutions
        interpreter = next((tool for tool in ("python2", "pypy") if _system_tool(tool)), "python2")
        recipe = Recipe(family, interpreter, "main.py", None, (interpreter, "{PROGRAM}/main.py"), (interpreter,))
    elif family is Language.java:
        name = _java_class(code)
        compile_java = ("javac", "-encoding", "UTF-8", f"{name}.java")
        run_java = ("java", "-Xss64m", "{XMX}", "-cp", "{PROGRAM}", name)
        recipe = Recipe(family, "java", f"{name}.java", compile_java, run_java, ("javac", "java"))
    elif family is Language.kotlin:
        compile_kotlin = ("kotlinc", "main.kt", "-include-runtime", "-d", "main.jar")
        recipe = Recipe(family, "kotlin", "main.kt", compile_kotlin, ("java", "-Xss64m", "{XMX}", "-jar", "{PROGRAM}/main.jar"),
                        ("kotlinc", "java"))  # fmt: skip
    elif family is Language.rust:
        edition = _EDITION.search(raw)
        year = edition.group(1) if edition else "2021"
        flags = ("rustc", "--edition", year, "-O", "-o", "main", "main.rs")
        recipe = Recipe(family, f"rust{year}", "main.rs", flags, ("{PROGRAM}/main",), ("rustc",))
    elif family is Language.go:
        recipe = Recipe(family, "go", "main.go", ("go", "build", "-o", "main", "main.go"), ("{PROGRAM}/main",), ("go",))
    else:
        return None
    if not all(_system_tool(tool) for tool in recipe.needs):
        return None
    return recipe


def missing_toolchain(language: Language | str, language_raw: str | None = None) -> str | None:
    """What is missing to run this language here (for the skipped counts), or None when nothing is."""
    if recipe_for(language, "", language_raw) is not None:
        return None
    family = Language(language)
    tools = {
        Language.cpp: "g++",
        Language.c: "gcc",
        Language.python3: "python3",
        Language.python2: "python2 or pypy",
        Language.java: "javac/java",
        Language.kotlin: "kotlinc",
        Language.rust: "rustc",
        Language.go: "go",
    }
    return f"no {tools.get(family, family.value)} installed under /usr" if family in tools else f"{family.value} is not supported"


@lru_cache(maxsize=64)
def _version(tool: str) -> str:
    path = _system_tool(tool) or tool
    flag = "-version" if tool in ("java", "javac", "kotlinc") else "--version"
    try:
        done = subprocess.run([path, flag], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "?"


def toolchain_id(recipe: Recipe) -> str:
    """The dialect, commands and the tools' versions: a new compiler version builds (and judges) anew."""
    parts = [recipe.dialect, " ".join(recipe.compile or ()), " ".join(recipe.run), *(_version(t) for t in recipe.needs)]
    parts += [" ".join(command) for command in recipe.fallbacks]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
