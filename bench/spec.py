"""The statement reader over whole folders of real problems: how many get a usable input specification.

For every problem with a sample (interactive ones apart): does the reader give a specification, does it accept every
one of the problem's own samples (proved by checktestdata in this process), are all its bounds stated by the
statement or some taken from the samples, and why none where none; and the share of inputs drawn from each
specification that the specification itself accepts. The baseline is the reader this project had before
(``curation/execution/spec.py`` at commit 53fe25c, read from git history), run on the same problems in the same run.

Folders: the 500 real CodeChef problems in ``../shared/real-pages/codechef/corpus`` (CodeChef's problem API
answers), the real Codeforces contest pages, and the ICPC packages with their validators hidden (scraped mode:
statement and samples only, the jury's checktestdata validator judging what is drawn). ``CPDATA_BENCH_SPEC_DIRS``
(``:``-separated) adds folders of CodeChef API answers, such as the rest of that corpus kept apart.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import types
from collections import Counter
from pathlib import Path
from typing import Any

from cpdata.curation.testgen.ctdcheck import CompiledScript
from cpdata.curation.testgen.ctdgen import TooLarge
from cpdata.curation.testgen.draw import SpecGenerator
from cpdata.curation.testgen.spec import canonical, infer_spec
from cpdata.schema import Problem, Test
from cpdata.scraper.base import Page
from cpdata.scraper.registry import route_url

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BASELINE_COMMIT = "53fe25c"
DRAWN_PROFILES = ("small/uniform", "random/few", "min", "random/special", "small/small", "random/uniform")


def _baseline() -> types.ModuleType | None:
    """The reader before this one, from git history (None outside a clone with that history)."""
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE_COMMIT}:curation/execution/spec.py"], capture_output=True, text=True
    )
    if shown.returncode != 0:
        return None
    module = types.ModuleType("baseline_spec")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(shown.stdout, "baseline_spec.py", "exec"), module.__dict__)
    return module


def _codechef(folder: Path) -> list[tuple[str, Problem, list[str]]]:
    found = []
    for path in sorted(folder.rglob("*.json")):
        url = f"https://www.codechef.com/api/contests/PRACTICE/problems/{path.stem}"
        site, _, _ = route_url(url)
        try:
            parsed = site.parse(Page(url=url, status=200, body=path.read_bytes()))
        except Exception as exc:  # a page the parser refuses is counted, not a crash of the bench
            print(f"  {path.name}: not parsed ({exc})", file=sys.stderr)
            continue
        problem = next((e for e in parsed.entities if isinstance(e, Problem)), None)
        if problem is not None:
            found.append((path.stem, problem, [e.input for e in parsed.entities if isinstance(e, Test) and e.input]))
    return found


def _codeforces() -> list[tuple[str, Problem, list[str]]]:
    found = []
    pages = SHARED / "real-pages" / "codeforces"
    for name, contest in (
        ("contest_1368_problems_page_2020.html", "1368"),
        ("contest_1715_problems_page_2022_browser_dom.html", "1715"),
    ):
        if not (pages / name).is_file():
            continue
        url = f"https://codeforces.com/contest/{contest}/problems"
        site, _, _ = route_url(url)
        parsed = site.parse(Page(url=url, status=200, body=(pages / name).read_bytes()))
        for problem in (e for e in parsed.entities if isinstance(e, Problem)):
            inputs = [e.input for e in parsed.entities if isinstance(e, Test) and e.index == problem.index and e.input]
            found.append((f"{contest}{problem.index}", problem, inputs))
    return found


def _packages() -> list[tuple[str, Problem, list[str], str | None]]:
    from cpdata.curation.formats.package import read_package

    folder = SHARED / "icpc-packages"
    found: list[tuple[str, Problem, list[str], str | None]] = []
    for package in sorted(p for p in folder.iterdir() if (p / "problem.yaml").is_file()) if folder.is_dir() else []:
        read = read_package(package)
        jury = next((p for p in read.programs if p.role == "input_validator" and p.language == "checktestdata"), None)
        samples = [t.input for t in read.tests if t.kind.value == "public" and t.input]
        found.append((package.name, read.problem, samples, jury.files[jury.entry] if jury else None))
    return found


def _draw_all(specification: Any, judge: CompiledScript, seed: str) -> Counter[str]:
    verdicts = Counter[str]()
    generator, rng = SpecGenerator(specification), random.Random(seed)
    for profile in DRAWN_PROFILES:
        try:
            drawn = generator.generate(rng, profile)
        except TooLarge:
            verdicts["too large"] += 1
            continue
        if len(drawn) > 300_000:
            verdicts["not judged (large)"] += 1
            continue
        verdicts["valid" if judge.rejection(drawn) is None else "invalid"] += 1
    return verdicts


def _measure(problems: list[tuple[str, Problem, list[str]]], baseline: types.ModuleType | None) -> dict[str, Any]:
    outcome, reasons, old, draws = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    examples: dict[str, list[str]] = {}
    seconds = 0.0
    for name, problem, inputs in problems:
        if problem.interactive:
            outcome["interactive (apart)"] += 1
            continue
        if not inputs:
            outcome["no sample"] += 1
            continue
        outcome["with a sample"] += 1
        started = time.process_time()
        inference = infer_spec(problem, inputs)
        seconds += time.process_time() - started
        if inference.script is None:
            reasons[inference.category] += 1
            examples.setdefault(inference.category, []).append(name)
        else:
            script = CompiledScript.compile(inference.script)
            rejects = any(script.rejection(canonical(text)) is not None for text in inputs)
            outcome["rejects its own sample"] += rejects
            outcome["usable"] += not rejects
            outcome["every bound stated" if inference.stated else "some bounds from the samples"] += 1
            draws.update(_draw_all(inference.specification, script, name))
        if baseline is not None:
            old_inference = baseline.infer_spec(problem, inputs)
            if old_inference.script is not None:
                old["inferred"] += 1
                try:
                    script = CompiledScript.compile(old_inference.script)
                    good = all(script.rejection(text) is None for text in inputs)
                except Exception:
                    good = False
                old["usable"] += good
                old["rejects its own sample"] += not good
    sampled = outcome["with a sample"] or 1
    return {
        "problems": len(problems),
        "counts": dict(outcome),
        "usable_share": round(outcome["usable"] / sampled, 3),
        "every_bound_stated_share": round(outcome["every bound stated"] / sampled, 3),
        "rejects_own_sample_share": round(outcome["rejects its own sample"] / sampled, 3),
        "without_specification_by_reason": dict(reasons),
        "examples_without": {k: v[:8] for k, v in examples.items()},
        "draws_accepted_by_own_specification": dict(draws),
        "cpu_seconds_per_problem": round(seconds / sampled, 4),
        "baseline": {
            "usable_share": round(old["usable"] / sampled, 3) if baseline is not None else None,
            "inferred_share": round(old["inferred"] / sampled, 3) if baseline is not None else None,
            "rejects_own_sample_of_inferred": round(old["rejects its own sample"] / (old["inferred"] or 1), 3),
        },
    }


def _scraped_packages() -> dict[str, Any]:
    """The packages as scraped problems: validity of drawn inputs by the jury's hidden checktestdata validator."""
    per_package: dict[str, Any] = {}
    total = Counter[str]()
    for name, problem, samples, jury in _packages():
        inference = infer_spec(problem, samples)
        row: dict[str, Any] = {"specification": inference.reason[:300], "stated": inference.stated}
        if inference.script is not None and jury is not None:
            verdicts = _draw_all(inference.specification, CompiledScript.compile(jury), name)
            row["drawn_by_jury_validator"] = dict(verdicts)
            total.update(verdicts)
        per_package[name] = row
    judged = total["valid"] + total["invalid"]
    return {
        "packages": per_package,
        "with_specification": sum(1 for _, r in per_package.items() if not r["specification"].startswith(("no ", "the "))),
        "drawn_valid_by_jury_validator": round(total["valid"] / judged, 3) if judged else None,
        "drawn": dict(total),
    }


def run() -> dict[str, Any]:
    baseline = _baseline()
    corpus = SHARED / "real-pages" / "codechef" / "corpus"
    folders = [corpus] + [Path(p) for p in os.environ.get("CPDATA_BENCH_SPEC_DIRS", "").split(":") if p]
    figures: dict[str, Any] = {}
    for folder in folders:
        if folder.is_dir():
            figures[f"codechef:{folder}"] = _measure(_codechef(folder), baseline)
    figures["codeforces pages"] = _measure(_codeforces(), baseline)
    figures["icpc packages, scraped mode"] = _scraped_packages()
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
