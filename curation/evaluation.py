"""``cpdata evaluate``: a model's programs run on an evaluation split, scored as AlphaCode and Codex score them.

Input: one JSON line per program, ``problem`` (our key, ``site/contest/index``, or the site's problem id) or
CodeContests' ``name``, ``language`` (ours, CodeContests' number or name, or a site's name such as "GNU C++17") and
``code``; any number per problem. A line that cannot be used is one reported reject, never the end of the run.

Each program runs in the sandbox (local or Ray executor) with its problem's limits and checker (or interactor): on
the public tests first, then, if it passes them, on the private and generated ones. Runs are cached like every
other run (the same results table), so an interrupted evaluation resumes and a second one runs nothing.

- **pass@k**: the unbiased estimator from n samples of which c are correct, 1 - C(n-c, k) / C(n, k) (Chen et al.
  2021), per problem, averaged over the problems with at least k samples. Correct: passes every test we hold.
- **n@k** (AlphaCode, Li et al. 2022): of a problem's k samples, keep those that pass the public tests, cluster
  them by their outputs on the clustering inputs (the first 20 generated tests' inputs, else private ones), and submit
  one program from each of the n largest clusters (largest first, ties by the earliest sample); solved if one of
  the n is correct. Reported as the share of problems solved.
- Breakdowns by site, rating (or difficulty), contest month (to read contamination windows) and language.
- Problems whose tests are known to be weak (a labelled incorrect solution passes all of them, by ``verify``) or
  that have several answers and no checker are scored apart: a score never rests on tests we know let wrong programs
  pass.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpdata.curation.formats.codecontests import build_record
from cpdata.curation.judging.checkers import Judge
from cpdata.curation.judging.judge import Executor, Job, Outcome, ResultCache, limits_for, normalize_output
from cpdata.curation.judging.verify import judge_solution, tests_job
from cpdata.curation.sandbox.sandbox import RunStatus, Sandbox, language_supported
from cpdata.curation.steps.base import Item
from cpdata.curation.steps.pipeline import Curation, CurationOptions
from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, SplitCutoffs
from cpdata.schema import Language, Store, Test, TestKind, key_name, normalize_language

__all__ = ["EvaluationOptions", "Sample", "evaluate", "n_at_k", "pass_at_k", "read_samples", "write_evaluation_page"]

_CODECONTESTS_LANGUAGES = {0: None, 1: Language.python2, 2: Language.cpp, 3: Language.python3, 4: Language.java}


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased pass@k estimator (Chen et al. 2021): the chance that k of the n samples hold a correct one."""
    if k > n:
        raise ValueError(f"pass@{k} needs at least {k} samples, not {n}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def n_at_k(passes_public: list[bool], signatures: list[Any], correct: list[bool], n: int) -> bool:
    """AlphaCode's n@k for one problem's k samples: filter by the public tests, cluster by behaviour, submit one
    from each of the n largest clusters (ties: the cluster whose first sample came first); solved if one is correct."""
    clusters: dict[Any, list[int]] = {}
    for position, (passed, signature) in enumerate(zip(passes_public, signatures, strict=True)):
        if passed:
            clusters.setdefault(signature, []).append(position)
    ranked = sorted(clusters.values(), key=lambda members: (-len(members), members[0]))
    return any(correct[members[0]] for members in ranked[:n])


@dataclass(frozen=True)
class Sample:
    line: int
    problem: str
    language: Language
    language_raw: str | None
    code: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.problem, self.line)


def _language(value: Any) -> tuple[Language | None, str | None]:
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return _CODECONTESTS_LANGUAGES.get(int(value)), None
    text = str(value or "").strip()
    if not text:
        return None, None
    for member in Language:
        if text.lower() == member.value or text.upper() == member.name.upper():
            return member, None
    if text.upper() in ("PYTHON3", "PYTHON", "CPP", "JAVA"):
        return {"PYTHON3": Language.python3, "PYTHON": Language.python2, "CPP": Language.cpp, "JAVA": Language.java}[
            text.upper()
        ], None
    found = normalize_language(text)
    return (found, text) if found is not Language.other else (None, None)


def read_samples(lines: Iterable[str], names: dict[str, str]) -> tuple[list[Sample], list[dict[str, Any]]]:
    """(samples, rejects) of a samples file; ``names`` maps every name a problem goes by to its key."""
    samples: list[Sample] = []
    rejects: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            rejects.append({"line": number, "reason": f"not JSON ({exc})"})
            continue
        if not isinstance(row, dict):
            rejects.append({"line": number, "reason": "not a JSON object"})
            continue
        name = row.get("problem") if row.get("problem") is not None else row.get("name")
        problem = names.get(str(name)) if name is not None else None
        language, raw = _language(row.get("language"))
        code = row.get("code") if isinstance(row.get("code"), str) else row.get("solution")
        if name is None:
            rejects.append({"line": number, "reason": 'needs "problem" (site/contest/index) or CodeContests\' "name"'})
        elif problem is None:
            rejects.append({"line": number, "reason": f"problem {name!r} is not in this split"})
        elif language is None:
            rejects.append({"line": number, "reason": f"unknown language {row.get('language')!r}"})
        elif not isinstance(code, str) or not code.strip():
            rejects.append({"line": number, "reason": 'needs "code"'})
        else:
            samples.append(Sample(number, problem, language, raw, code))
    return samples, rejects


@dataclass(frozen=True)
class EvaluationOptions:
    split: str = "test"
    ks: tuple[int, ...] = (1, 10, 100)
    picks: tuple[int, ...] = (1, 10)
    """The n of n@k (AlphaCode reports 10@k)."""
    time_factor: float = 2.0
    cluster_inputs: int = 20
    """Inputs the clustering runs every public-passing sample on."""


@dataclass
class _Problem:
    item: Item
    tests: list[Test]
    judge: Judge
    samples: list[Sample] = field(default_factory=list)
    public: list[bool] = field(default_factory=list)
    correct: list[bool] = field(default_factory=list)
    signatures: list[Any] = field(default_factory=list)


def _month(item: Item) -> str | None:
    when = item.released
    return when.strftime("%Y-%m") if when else None


def _rating_bucket(item: Item) -> str:
    rating = item.problem.rating
    if rating is not None:
        low = min(max(int(rating) // 400 * 400, 800), 3200)
        return f"{low}-{low + 399}" if low < 3200 else "3200+"
    if item.problem.difficulty is not None:
        return f"difficulty {item.problem.difficulty:g}"
    return "unrated"


def _weak_problems(store: Store) -> dict[str, str]:
    """Problems whose tests let a labelled incorrect solution pass all of them (by verify), with the count."""
    rows = store.run_sql(
        "SELECT s.site, s.contest_id, s.\"index\", SUM(CASE WHEN v.outcome = 'ok' THEN 1 ELSE 0 END), COUNT(*) "
        "FROM verification v JOIN submission s ON s.site = v.site AND s.submission_id = v.submission_id "
        'WHERE s.is_correct = 0 OR s.is_correct = false GROUP BY s.site, s.contest_id, s."index"'
    )[1]
    return {
        f"{site}/{contest}/{index}": f"{passed} of {total} labelled incorrect solutions pass every test"
        for site, contest, index, passed, total in rows
        if passed
    }


def evaluate(
    store: Store,
    sample_lines: Iterable[str],
    executor: Executor,
    options: EvaluationOptions = EvaluationOptions(),
    *,
    cutoffs: SplitCutoffs = DEFAULT_CUTOFFS,
    progress: Callable[[int, int], None] | None = None,
    sandbox: Sandbox | None = None,
) -> dict[str, Any]:
    """Run and score a model's samples on one split; return the report (JSON-ready)."""
    problems: dict[str, _Problem] = {}
    names: dict[str, str] = {}
    # Every problem of the split by its date: the execution steps would drop the ones with few hidden tests, which
    # are scored here too, apart when their tests are known to be weak.
    options_all = CurationOptions(dedup=False, languages=None, execution=False)
    for split, _, item in Curation(store, options_all, cutoffs).records():
        if split != options.split:
            continue
        key = key_name(item.key)
        judge = Judge.for_problem(store, item.problem, getattr(executor, "sandbox", None) or sandbox)
        usable = [t for t in item.tests if t.input is not None and t.output is not None]
        problems[key] = _Problem(item, usable, judge)
        names[key] = key
        names.setdefault(build_record(item.problem, item.contest, [], []).name, key)
        if item.problem.problem_id:
            names.setdefault(item.problem.problem_id, key)
    samples, rejects = read_samples(sample_lines, names)
    skipped: Counter[str] = Counter()
    for sample in samples:
        if not language_supported(sample.language, sample.language_raw):
            skipped[str(sample.language)] += 1
            rejects.append({"line": sample.line, "reason": f"no toolchain here for {sample.language} (not run)"})
            continue
        problems[sample.problem].samples.append(sample)
    cache = ResultCache(store)
    runs = {"public": 0, "hidden": 0, "clustering": 0, "from_cache": 0}
    total = sum(len(p.samples) for p in problems.values())
    done = 0

    def run(jobs: list[Job], phase: str) -> dict[Any, dict[str, Outcome]]:
        """Outcomes of the jobs: from the cache, and by running what it lacks (counted as runs of ``phase``)."""
        found: dict[Any, dict[str, Outcome]] = {}
        pending = []
        for job in jobs:
            cached = cache.get(job.solution, [d for d, _ in job.inputs], job.limits)
            runs["from_cache"] += len(cached)
            missing = [(d, t) for d, t in job.inputs if d not in cached]
            failed = job.stop_on_failure and any(o.status != RunStatus.ok.value for o in cached.values())
            if missing and not failed:
                pending.append(dataclasses.replace(job, inputs=missing))
            found[job.key] = cached
        for result in executor.run(pending):
            cache.put(result)  # sandbox errors are not kept: the next evaluation runs them again
            runs[phase] += len(result.outcomes)
            found[result.key].update(result.outcomes)
        return found

    # Phase 1: every sample on its problem's public tests (stopping at the first failure).
    public_jobs = []
    for problem in problems.values():
        limits = limits_for(problem.item.problem, options.time_factor)
        public = [t for t in problem.tests if t.kind is TestKind.public]
        for sample in problem.samples:
            public_jobs.append(tests_job(("public", sample.key), sample.language, sample.code, sample.language_raw, public,
                                         problem.judge, limits))  # fmt: skip
    public_outcomes = run(public_jobs, "public")
    # Phase 2, for the samples that pass the public tests: the hidden tests (stopping at the first failure: a verdict
    # needs no more), and the clustering inputs (every one of them: a behaviour is the outputs on all).
    hidden_jobs, cluster_jobs = [], []
    for problem in problems.values():
        limits = limits_for(problem.item.problem, options.time_factor)
        public = [t for t in problem.tests if t.kind is TestKind.public]
        hidden = [t for t in problem.tests if t.kind is not TestKind.public]
        clustering = _clustering_tests(hidden, options.cluster_inputs)
        for sample in problem.samples:
            outcomes = public_outcomes.get(("public", sample.key), {})
            judged = judge_solution(public, outcomes, problem.judge) if public else ("ok", 0, 0, None)
            passed = judged is not None and judged[0] == "ok"
            problem.public.append(passed)
            if passed and hidden:
                hidden_jobs.append(tests_job(("hidden", sample.key), sample.language, sample.code, sample.language_raw,
                                             hidden, problem.judge, limits))  # fmt: skip
            if passed and clustering:
                cluster_jobs.append(tests_job(("cluster", sample.key), sample.language, sample.code, sample.language_raw,
                                              clustering, problem.judge, limits, stop_on_failure=False))  # fmt: skip
        done += len(problem.samples)
        if progress is not None:
            progress(done // 2, total)
    hidden_outcomes = run(hidden_jobs, "hidden")
    cluster_outcomes = run(cluster_jobs, "clustering")
    for problem in problems.values():
        hidden = [t for t in problem.tests if t.kind is not TestKind.public]
        clustering = _clustering_tests(hidden, options.cluster_inputs)
        for sample, passed in zip(problem.samples, problem.public, strict=True):
            judged = (
                judge_solution(hidden, hidden_outcomes.get(("hidden", sample.key), {}), problem.judge)
                if passed and hidden
                else None
            )
            problem.correct.append(passed and (not hidden or (judged is not None and judged[0] == "ok")))
            behaviour = cluster_outcomes.get(("cluster", sample.key), {})
            problem.signatures.append(
                tuple(_behaviour(behaviour.get(problem.judge.test_key(t.input, t.output))) for t in clustering)
            )
    phases = {"public": public_outcomes, "hidden": hidden_outcomes, "cluster": cluster_outcomes}
    _set_aside_our_failures(problems, phases, rejects, runs)
    if progress is not None:
        progress(total, total)
    for problem in problems.values():
        problem.judge.close()
    return _report(store, problems, rejects, options, runs, cutoffs)


def _set_aside_our_failures(
    problems: dict[str, _Problem],
    phases: dict[str, dict[Any, dict[str, Outcome]]],
    rejects: list[dict[str, Any]],
    runs: dict[str, int],
) -> None:
    """A sample the sandbox failed on (our failure, not the program's) is not scored: it is reported, and the next
    evaluation runs it again (sandbox errors are never cached). ``phases``: job name -> outcomes by job key."""
    for problem in problems.values():
        keep = []
        for position, sample in enumerate(problem.samples):
            outcomes = [o for name, found in phases.items() for o in found.get((name, sample.key), {}).values()]
            failed = sum(o.status == RunStatus.sandbox_error.value for o in outcomes)
            if failed:
                runs["sandbox_errors"] = runs.get("sandbox_errors", 0) + failed
                rejects.append({"line": sample.line, "reason": "the sandbox failed on this sample: not scored, run again"})
            else:
                keep.append(position)
        problem.samples = [problem.samples[p] for p in keep]
        problem.public = [problem.public[p] for p in keep]
        problem.correct = [problem.correct[p] for p in keep]
        problem.signatures = [problem.signatures[p] for p in keep]


def _clustering_tests(hidden: list[Test], limit: int) -> list[Test]:
    """The inputs samples are clustered on: the generated tests' (AlphaCode clustered on generated inputs), else the
    private ones; the first ``limit`` of them by ordinal, so that clustering costs a bounded number of runs."""
    chosen = [t for t in hidden if t.kind is TestKind.generated] or [t for t in hidden if t.kind is TestKind.private]
    return sorted(chosen, key=lambda t: t.ordinal)[:limit]


def _behaviour(outcome: Outcome | None) -> str:
    """What a program did on one clustering input: its output (normalized, hashed), or how it failed."""
    if outcome is None:
        return "not run"
    if outcome.status != RunStatus.ok.value:
        return outcome.status
    return (
        hashlib.sha1(normalize_output(outcome.output or "").encode()).hexdigest()
        if outcome.output is not None
        else str(outcome.output_sha256)
    )


def _scores(problems: list[_Problem], options: EvaluationOptions, language: Language | None = None) -> dict[str, Any]:
    """pass@k and n@k over these problems (only the samples of ``language`` when given)."""
    per_k: dict[str, list[float]] = {f"pass@{k}": [] for k in options.ks}
    solved: dict[str, list[bool]] = {f"{n}@k": [] for n in options.picks}
    samples = 0
    for problem in problems:
        chosen = [i for i, s in enumerate(problem.samples) if language is None or s.language == language]
        if not chosen:
            continue
        n, c = len(chosen), sum(problem.correct[i] for i in chosen)
        samples += n
        for k in options.ks:
            if n >= k:
                per_k[f"pass@{k}"].append(pass_at_k(n, c, k))
        for picks in options.picks:
            solved[f"{picks}@k"].append(
                n_at_k(
                    [problem.public[i] for i in chosen],
                    [problem.signatures[i] for i in chosen],
                    [problem.correct[i] for i in chosen],
                    picks,
                )
            )
    counted = sum(1 for p in problems if any(language is None or s.language == language for s in p.samples))
    scores: dict[str, Any] = {"problems": counted, "samples": samples}
    for name, values in per_k.items():
        scores[name] = round(sum(values) / len(values), 4) if values else None
        scores[f"{name}_problems"] = len(values)
    for name, flags in solved.items():
        scores[name] = round(sum(flags) / len(flags), 4) if flags else None
    return scores


def _report(
    store: Store,
    problems: dict[str, _Problem],
    rejects: list[dict[str, Any]],
    options: EvaluationOptions,
    runs: dict[str, int],
    cutoffs: SplitCutoffs,
) -> dict[str, Any]:
    weak_tests = _weak_problems(store)
    apart: dict[str, str] = {}
    for name, problem in problems.items():
        if problem.item.multiple_answers_without_checker:
            apart[name] = "several answers and no checker"
        elif name in weak_tests:
            apart[name] = f"weak tests: {weak_tests[name]}"
    trusted = [p for n, p in problems.items() if n not in apart and p.samples]
    doubtful = [p for n, p in problems.items() if n in apart and p.samples]
    groups: dict[str, dict[str, list[_Problem]]] = {
        "site": defaultdict(list),
        "rating": defaultdict(list),
        "month": defaultdict(list),
    }
    for problem in trusted:
        groups["site"][problem.item.problem.site.value].append(problem)
        groups["rating"][_rating_bucket(problem.item)].append(problem)
        groups["month"][_month(problem.item) or "unknown"].append(problem)
    languages = sorted({s.language for p in trusted for s in p.samples})
    per_problem = []
    for name, problem in sorted(problems.items()):
        if not problem.samples:
            continue
        n, c = len(problem.samples), sum(problem.correct)
        per_problem.append(
            {
                "problem": name,
                "name": problem.item.problem.name,
                "samples": n,
                "correct": c,
                "pass_public": sum(problem.public),
                "clusters": len({sig for sig, ok in zip(problem.signatures, problem.public, strict=True) if ok}),
                **{f"pass@{k}": round(pass_at_k(n, c, k), 4) for k in options.ks if n >= k},
                **{f"{m}@k": n_at_k(problem.public, problem.signatures, problem.correct, m) for m in options.picks},
                "scored_apart": apart.get(name),
            }
        )
    return {
        "split": options.split,
        "cutoffs": cutoffs.as_dict(),
        "options": {"ks": list(options.ks), "picks": list(options.picks), "time_factor": options.time_factor},
        "overall": _scores(trusted, options),
        "scored_apart": {"overall": _scores(doubtful, options), "problems": dict(sorted(apart.items()))},
        "by_site": {k: _scores(v, options) for k, v in sorted(groups["site"].items())},
        "by_rating": {k: _scores(v, options) for k, v in sorted(groups["rating"].items())},
        "by_month": {k: _scores(v, options) for k, v in sorted(groups["month"].items())},
        "by_language": {str(language): _scores(trusted, options, language) for language in languages},
        "problems": per_problem,
        "problems_without_samples": sorted(n for n, p in problems.items() if not p.samples),
        "rejects": rejects,
        "runs": runs,
    }


def write_evaluation_page(report: dict[str, Any], out_dir: Path) -> Path:
    """``evaluation.html`` (with its plots) and ``evaluation.json`` in ``out_dir``: scores overall, by month (with
    the split cutoffs in view), by rating and by language, and the problems scored apart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "evaluation.json").write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    first_k = f"pass@{report['options']['ks'][0]}"
    first_n = f"{report['options']['picks'][-1]}@k"
    plots = []
    for group, title in (("by_month", "contest month"), ("by_rating", "rating"), ("by_language", "language")):
        labels = list(report[group])
        if not labels:
            continue
        figure, axes = plt.subplots(figsize=(max(6, len(labels) * 0.6), 3.6))
        positions = range(len(labels))
        axes.bar([p - 0.2 for p in positions], [report[group][x][first_k] or 0 for x in labels], width=0.4, label=first_k)
        axes.bar([p + 0.2 for p in positions], [report[group][x][first_n] or 0 for x in labels], width=0.4, label=first_n)
        axes.set_xticks(list(positions), labels, rotation=45, ha="right")
        axes.set_ylim(0, 1)
        axes.set_title(
            f"{first_k} and {first_n} by {title} (problems: " + ", ".join(str(report[group][x]["problems"]) for x in labels) + ")"
        )
        axes.legend()
        figure.tight_layout()
        name = f"evaluation_{group}.png"
        figure.savefig(out_dir / name, dpi=110)
        plt.close(figure)
        plots.append(name)
    overall = report["overall"]
    rows = "".join(
        f"<tr><td>{p['problem']}</td><td>{p['samples']}</td><td>{p['correct']}</td><td>{p['pass_public']}</td>"
        f"<td>{p['clusters']}</td><td>{p.get(first_k, '')}</td><td>{p.get(first_n)}</td><td>{p['scored_apart'] or ''}</td></tr>"
        for p in report["problems"]
    )
    scores = ", ".join(f"{k} = {v}" for k, v in overall.items() if "@" in k and not k.endswith("_problems"))
    page = f"""<!doctype html><meta charset="utf-8"><title>Evaluation ({report["split"]})</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}
td,th{{padding:2px 8px;border-bottom:1px solid #ddd}}</style>
<h1>Evaluation on the {report["split"]} split</h1>
<p><b>{scores}</b> over {overall["problems"]} problems and {overall["samples"]} samples whose tests we trust.
{len(report["scored_apart"]["problems"])} problems are scored apart (weak tests, or several answers and no checker):
{", ".join(f"{k} = {v}" for k, v in report["scored_apart"]["overall"].items() if "@" in k and not k.endswith("_problems"))}.</p>
{"".join(f'<p><img src="{name}" alt="{name}"></p>' for name in plots)}
<h2>Problems</h2>
<table><tr><th>problem</th><th>samples</th><th>correct</th><th>pass public</th><th>clusters</th>
<th>{first_k}</th><th>{first_n}</th><th>scored apart</th></tr>{rows}</table>
"""
    path = out_dir / "evaluation.html"
    path.write_text(page, encoding="utf-8")
    return path
