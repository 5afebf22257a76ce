"""Test strength on real jury data: the shared ICPC packages, with their official tests withheld.

Two modes (``CPDATA_BENCH_STRENGTH_MODE=jury|scraped|both``, default both):

- ``jury``: generation may use the jury's input validator (the package as the jury ships it);
- ``scraped``: each package is copied without ``input_validators/``, ``data/secret/`` and ``generators/``, so cpdata
  sees only what a scraped problem has (statement, samples, limits, checker, labelled solutions) and must read the
  statement to generate; the jury's validator is used only afterwards, to judge the generated inputs, and the
  jury's solutions to judge the tests.

Per problem: import the package (the official store with its secret tests, committed or made by the jury's own
generators); calibrate its time limit on this machine by the jury's rule (as ``cpdata import package`` does); hide
the official (secret) tests; verify the jury's solutions on the samples only;
generate tests from the samples (the jury validator's specification and mutations, each kept only if the validator
accepts it and the correct solutions agree under the problem's checker); verify again; then verify on the official
tests instead. Reported per problem and overall: FP (= 1 - TNR, the share of the jury's incorrect solutions that pass
every test) with samples only, with generated tests, with the official tests; TPR (correct solutions that pass);
how many generated tests the jury validator accepts; and the time each step took. Interactive problems are skipped.

Run it with the packages beside the project: ``python -m bench strength`` (``../shared/icpc-packages``);
``CPDATA_BENCH_PACKAGES=brickwork,lookingforwaldo`` runs some of them.

``CPDATA_BENCH_SEARCH=SECONDS`` adds the search (``gen-tests --search``) after the drawn tests, with that many seconds
per problem: FP is then also reported for the held-out half of the incorrect solutions (those that never guided the
search), with the drawn tests and with the searched ones, beside the figure over all of them (marked as such: the
guides are in it).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from cpdata.curation.formats.package import import_packages
from cpdata.curation.judging.calibrate import calibrate_time_limit
from cpdata.curation.judging.checkers import InputValidators
from cpdata.curation.judging.judge import LocalExecutor
from cpdata.curation.judging.verify import verify
from cpdata.curation.sandbox.sandbox import Sandbox
from cpdata.curation.testgen.generate import GenerateOptions, generate_tests
from cpdata.curation.testgen.jurygen import generate_jury_tests
from cpdata.curation.testgen.search import SearchOptions, is_guide
from cpdata.schema import Problem, Store, Submission, Test, TestKind

PACKAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "icpc-packages"
OPTIONS = GenerateOptions(min_agree=30, max_tests=40, budget_seconds=120, seed=11)  # every correct solution votes


def _rates(store: Store) -> dict[str, dict[str, Any]]:
    """Per problem: correct and incorrect solutions that were judged, and how many of each passed every test; the
    incorrect ones also apart for the half held out from the search (``is_guide``: the same split the search used)."""
    query = (
        'SELECT s.site, s.contest_id, s."index", s.is_correct, v.outcome, s.submission_id FROM verification v '
        "JOIN submission s ON s.site = v.site AND s.submission_id = v.submission_id WHERE s.is_correct IS NOT NULL"
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    missed: dict[str, list[str]] = defaultdict(list)  # incorrect solutions that pass, correct ones that fail
    for site, contest, index, correct, outcome, submission in store.run_sql(query)[1]:
        row = counts[index]
        kind = "correct" if correct else "incorrect"
        row[kind] += 1
        row[f"{kind}_pass"] += outcome == "ok"
        if not correct and not is_guide(Submission(site=site, contest_id=contest, index=index, submission_id=submission)):
            row["held_out"] += 1
            row["held_out_pass"] += outcome == "ok"
        if (outcome == "ok") != bool(correct):
            missed[index].append(f"{submission.rsplit('/', 1)[-1]}: {outcome}")
    result = {}
    for problem, row in counts.items():
        result[problem] = {
            "tpr": round(row["correct_pass"] / row["correct"], 3) if row["correct"] else None,
            "fp": round(row["incorrect_pass"] / row["incorrect"], 3) if row["incorrect"] else None,
            "fp_held_out": round(row["held_out_pass"] / row["held_out"], 3) if row["held_out"] else None,
            "correct": row["correct"],
            "incorrect": row["incorrect"],
            "held_out": row["held_out"],
            "misjudged": sorted(missed[problem]),
        }
    return result


def _timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, round(time.perf_counter() - started, 1)


def _scraped_copies(sources: list[Path], into: Path) -> list[Path]:
    """The packages as a scraper would see them: no input validator, no secret tests, no generators."""
    copies = []
    for source in sources:
        for package in (
            [source]
            if (source / "problem.yaml").is_file()
            else sorted(p for p in source.iterdir() if (p / "problem.yaml").is_file())
        ):
            target = into / package.name
            shutil.copytree(
                package, target, symlinks=True, ignore=shutil.ignore_patterns("secret", "input_validators", "generators")
            )
            copies.append(target)
    return copies


def run() -> dict[str, Any]:
    if not PACKAGES.is_dir():
        return {"skipped": f"{PACKAGES} is absent: the shared packages are only beside the project in development"}
    mode = os.environ.get("CPDATA_BENCH_STRENGTH_MODE", "both")
    modes = ["jury", "scraped"] if mode == "both" else [mode]
    return {chosen: run_mode(chosen) for chosen in modes}


def run_mode(mode: str) -> dict[str, Any]:
    figures: dict[str, Any] = {"mode": mode}
    with tempfile.TemporaryDirectory(prefix="cpdata-strength-") as scratch, Sandbox() as sandbox:
        executor = LocalExecutor(2, sandbox)
        withheld, official = Store(Path(scratch) / "withheld.sqlite"), Store(Path(scratch) / "official.sqlite")
        chosen = [PACKAGES / name for name in os.environ.get("CPDATA_BENCH_PACKAGES", "").split(",") if name]
        sources = chosen or [PACKAGES]
        if mode == "scraped":
            copies = Path(scratch) / "scraped"
            copies.mkdir()
            import_packages(withheld, _scraped_copies(sources, copies))
        else:
            import_packages(withheld, sources)

        def jury_tests(package: Path, problem: Problem) -> tuple[list[Test], list[str]]:
            made = generate_jury_tests(sandbox, package, problem)
            return made.tests, made.failed

        # The answer key: committed secret tests, or those the jury's own generators make (4 of the 7 packages).
        _, t_jury = _timed(import_packages, official, sources, jury_tests)
        # The time limit is part of the problem, not of its tests: set by the jury's rule on this machine (as import
        # does), and the same in both stores.
        started = time.perf_counter()
        limits: dict[str, int | None] = {}
        for batch in official.iter_problem_batches():
            for problem, _ in batch:
                limits[problem.index] = calibrate_time_limit(official, problem, executor).time_limit_ms
                if limits[problem.index]:
                    withheld.write([problem.model_copy(update={"calibrated_time_limit_ms": limits[problem.index]})])
        t_calibrate = round(time.perf_counter() - started, 1)
        with withheld.engine.begin() as conn:  # the official tests are the answer key: hidden from generation
            from sqlalchemy import text

            conn.execute(text("DELETE FROM test WHERE kind = 'private'"))
        on_samples, t_samples = _timed(verify, withheld, executor=executor)
        samples = _rates(withheld)
        summary, t_generate = _timed(generate_tests, withheld, options=OPTIONS, executor=executor)
        with withheld.engine.begin() as conn:
            from sqlalchemy import text

            conn.execute(text("DELETE FROM verification"))
        _, t_generated = _timed(verify, withheld, executor=executor)
        generated = _rates(withheld)
        searched: dict[str, dict[str, Any]] = {}
        search_summary = None
        t_search = t_verify_searched = 0.0
        if os.environ.get("CPDATA_BENCH_SEARCH"):
            seconds = float(os.environ["CPDATA_BENCH_SEARCH"])
            options = replace(OPTIONS, search=SearchOptions(seconds=seconds, keep=OPTIONS.max_tests))
            search_summary, t_search = _timed(generate_tests, withheld, options=options, executor=executor)
            with withheld.engine.begin() as conn:
                from sqlalchemy import text

                conn.execute(text("DELETE FROM verification"))
            _, t_verify_searched = _timed(verify, withheld, executor=executor)
            searched = _rates(withheld)
        _, t_official = _timed(verify, official, executor=executor)
        with_official = _rates(official)
        validity: dict[str, Any] = {}
        for batch in withheld.iter_problem_batches():
            for problem, _ in batch:
                tests = [t.input or "" for t in withheld.tests_for([problem.key])[problem.key] if t.kind == TestKind.generated]
                # judged by the jury's own validator (in scraped mode, the one hidden from generation)
                jury = [p for p in official.programs_for(problem.key) if p.role == "input_validator"]
                if not tests or not jury:
                    validity[problem.index] = {"generated": len(tests), "valid": None}
                    continue
                validators = InputValidators.for_problem(official, sandbox, problem)
                assert validators is not None
                validators.cache = None  # judged afresh, not read back from what gen-tests cached
                verdicts = validators.check(tests)
                validators.close()
                validity[problem.index] = {"generated": len(tests), "valid": sum(1 for v in verdicts if v)}
        search_by_index: dict[str, Any] = {}
        if search_summary is not None:  # the summary names problems by key, the figures by index
            for key, found in search_summary.searched.items():
                search_by_index[key.rsplit("/", 1)[-1]] = found
            for key, reason in search_summary.not_searched.items():
                search_by_index.setdefault(key.rsplit("/", 1)[-1], reason)
        for problem in sorted({*samples, *generated, *with_official}):
            figures[problem] = {
                "fp_samples_only": samples.get(problem, {}).get("fp"),
                "fp_with_generated": generated.get(problem, {}).get("fp"),
                "fp_with_official": with_official.get(problem, {}).get("fp"),
                "tpr_samples_only": samples.get(problem, {}).get("tpr"),
                "tpr_with_generated": generated.get(problem, {}).get("tpr"),
                "tpr_with_official": with_official.get(problem, {}).get("tpr"),
                "correct_solutions": generated.get(problem, {}).get("correct"),
                "incorrect_solutions": generated.get(problem, {}).get("incorrect"),
                "generated_tests": validity.get(problem),
                "misjudged_with_generated": generated.get(problem, {}).get("misjudged"),
            }
            if searched:
                figures[problem] |= {
                    "held_out_incorrect": generated.get(problem, {}).get("held_out"),
                    "fp_held_out_samples_only": samples.get(problem, {}).get("fp_held_out"),
                    "fp_held_out_with_drawn": generated.get(problem, {}).get("fp_held_out"),
                    "fp_held_out_with_searched": searched.get(problem, {}).get("fp_held_out"),
                    "fp_all_with_searched (guides included)": searched.get(problem, {}).get("fp"),
                    "tpr_with_searched": searched.get(problem, {}).get("tpr"),
                    "search": search_by_index.get(problem),
                    "misjudged_with_searched": searched.get(problem, {}).get("misjudged"),
                }

        def overall(rates: dict[str, dict[str, Any]], key: str, kind: str) -> float | None:
            total = sum(r[kind] for r in rates.values())
            passed = sum(round((r[key] or 0) * r[kind]) for r in rates.values() if r[key] is not None)
            return round(passed / total, 3) if total else None

        def held_out(rates: dict[str, dict[str, Any]]) -> float | None:
            total = sum(r["held_out"] for r in rates.values())
            passed = sum(round((r["fp_held_out"] or 0) * r["held_out"]) for r in rates.values() if r["fp_held_out"] is not None)
            return round(passed / total, 3) if total else None

        if searched:
            figures["overall_search"] = {
                "held_out_incorrect": sum(r["held_out"] for r in generated.values()),
                "fp_held_out_samples_only": held_out(samples),
                "fp_held_out_with_drawn": held_out(generated),
                "fp_held_out_with_searched": held_out(searched),
                "fp_all_with_searched (guides included)": overall(searched, "fp", "incorrect"),
                "tpr_with_searched": overall(searched, "tpr", "correct"),
                "generated_tests_after_search": sum(
                    len([t for t in withheld.tests_for([p.key])[p.key] if t.kind == TestKind.generated])
                    for batch in withheld.iter_problem_batches()
                    for p, _ in batch
                ),
                "seconds": {"search": t_search, "verify_searched": t_verify_searched},
            }
        figures["overall"] = {
            "fp_samples_only": overall(samples, "fp", "incorrect"),
            "fp_with_generated": overall(generated, "fp", "incorrect"),
            "fp_with_official": overall(with_official, "fp", "incorrect"),
            "tpr_with_generated": overall(generated, "tpr", "correct"),
            "tpr_with_official": overall(with_official, "tpr", "correct"),
            "generated": summary.generated,
            "generated_valid_by_jury_validator": sum(v["valid"] or 0 for v in validity.values() if v["valid"] is not None),
            "candidates": summary.candidates,
            "candidates_valid": summary.valid_candidates,
            "problems": len(validity),
            "problems_with_10_generated": sum(1 for v in validity.values() if v["generated"] >= 10),
            "problems_without_specification": summary.no_spec,
            "inferred_specifications": summary.inferred,
            "correct_not_compiling": summary.not_compiling,
            # solutions in a language this machine has no toolchain for (Python 2 on Debian 12): left out of every
            # rate, since their failing here would say nothing about them
            "solutions_without_toolchain": dict(on_samples.skipped),
            "interactive_skipped": sum(summary.interactive.values()),
            "official_tests": official.run_sql("SELECT COUNT(*) FROM test WHERE kind = 'private'")[1][0][0],
            "calibrated_time_limits_ms": limits,
            "seconds": {
                "make_official_tests_with_jury_generators": t_jury,
                "calibrate_time_limits": t_calibrate,
                "verify_samples": t_samples,
                "generate": t_generate,
                "verify_generated": t_generated,
                "verify_official": t_official,
            },
        }
        withheld.close()
        official.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
