"""``cpdata report OUT_DIR``: a dataset card to decide whether the dataset is fit: Markdown and a self-contained
HTML page with the plots inline, the plots as PNG files, and ``report.json`` with every figure and series.

It runs the same curation as the export, so what it shows is what an export would hold.
"""

from __future__ import annotations

import base64
import html
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no screen
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from cpdata.curation.steps.pipeline import Curation, CurationOptions
from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, Split, SplitCutoffs
from cpdata.schema import Store, TestKind
from cpdata.version import __version__

__all__ = ["ReportData", "collect", "write_report"]

_COLORS = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C"]


@dataclass
class ReportData:
    cutoffs: SplitCutoffs = DEFAULT_CUTOFFS
    problems: int = 0
    per_month: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    undated: Counter[str] = field(default_factory=Counter)
    ratings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    tests: dict[str, list[int]] = field(default_factory=lambda: {k.value: [] for k in TestKind})
    solutions: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    splits: dict[str, Counter[str]] = field(default_factory=lambda: {s.value: Counter() for s in Split})
    curation: dict[str, Any] = field(default_factory=dict)


def collect(store: Store, options: CurationOptions, cutoffs: SplitCutoffs = DEFAULT_CUTOFFS) -> ReportData:
    data = ReportData(cutoffs=cutoffs)
    curation = Curation(store, options, cutoffs)
    for split, record, item in curation.records():
        data.problems += 1
        site = record.site
        data.splits[split][site] += 1
        if item.released is None:
            data.undated[site] += 1
        else:
            data.per_month[item.released.strftime("%Y-%m")][site] += 1
        if record.rating:
            data.ratings[site].append(record.rating)
        data.tests["public"].append(len(record.public_tests.input))
        data.tests["private"].append(len(record.private_tests.input))
        data.tests["generated"].append(len(record.generated_tests.input))
        for solution in item.solutions:
            outcome = "correct" if solution.is_correct else "incorrect"
            data.solutions[str(solution.language or "other")][outcome] += 1
    data.curation = curation.report()
    return data


def _save(figure: Any, path: Path) -> None:
    for axes in figure.axes:
        if axes.get_ylabel() in ("problems", "tests") or axes.get_xlabel() == "count":
            (axes.xaxis if axes.get_xlabel() == "count" else axes.yaxis).set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _stacked_bars(axes: Any, categories: list[str], series: list[str], counts: dict[str, Counter[str]]) -> None:
    """One bar per category, stacked by series (a color each)."""
    bottom = [0] * len(categories)
    for n, name in enumerate(series):
        values = [counts[c][name] for c in categories]
        axes.bar(categories, values, bottom=bottom, label=name, color=_COLORS[n % len(_COLORS)])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]


def _plots(data: ReportData, out: Path) -> list[dict[str, Any]]:
    plots: list[dict[str, Any]] = []

    # 0. test strength first: it is what a dataset's tests are worth
    plots.append(_strength_plot(data, out / "test_strength.png"))

    # 1. problems per month, per site (stacked bars), every month shown (an empty one is a gap, not hidden), with
    # the split cutoffs marked
    months = _every_month(sorted(data.per_month), data.cutoffs)
    sites = sorted({s for counter in data.per_month.values() for s in counter})
    figure, axes = plt.subplots(figsize=(9, 3.6))
    _stacked_bars(axes, months, sites, data.per_month)
    for label, cutoff in (("valid", data.cutoffs.valid_from), ("test", data.cutoffs.test_from)):
        month = cutoff.strftime("%Y-%m")
        if month in months:
            at = months.index(month) - 0.5 + (cutoff.day - 1) / 31
            axes.axvline(at, color="#555555", linestyle="--", linewidth=1)
            axes.text(at, axes.get_ylim()[1] * 0.95, f" {label} from {cutoff}", fontsize=7, va="top")
    axes.set_title("Problems per month (contest start, UTC), by site")
    axes.set_ylabel("problems")
    axes.tick_params(axis="x", rotation=60, labelsize=7)
    if len(months) > 36:  # label every few months so that labels stay legible
        step = len(months) // 24 + 1
        axes.set_xticks(range(0, len(months), step), months[::step])
    if sites:
        axes.legend(fontsize=8)
    _save(figure, out / "problems_per_month.png")
    plots.append({"file": "problems_per_month.png", "title": "Problems per month", "series": sites, "months": months})

    # 2. rating distribution, per site that has ratings
    figure, axes = plt.subplots(figsize=(7, 3.6))
    rated = sorted(data.ratings)
    for n, site in enumerate(rated):
        axes.hist(data.ratings[site], bins=20, alpha=0.7, label=site, color=_COLORS[n % len(_COLORS)])
    axes.set_title("Problem rating distribution")
    axes.set_xlabel("rating")
    axes.set_ylabel("problems")
    if rated:
        axes.legend(fontsize=8)
    _save(figure, out / "rating_distribution.png")
    plots.append({"file": "rating_distribution.png", "title": "Rating distribution", "series": rated})

    # 3. tests per problem, by kind
    figure, axes = plt.subplots(figsize=(7, 3.6))
    kinds = [k.value for k in TestKind]
    axes.boxplot([data.tests[k] or [0] for k in kinds], tick_labels=kinds, showmeans=True)
    axes.set_title("Tests per problem, by kind (means as triangles)")
    axes.set_ylabel("tests")
    _save(figure, out / "tests_per_problem.png")
    plots.append({"file": "tests_per_problem.png", "title": "Tests per problem", "series": kinds})

    # 4. solutions per problem, by language and correctness
    figure, axes = plt.subplots(figsize=(8, 3.6))
    languages = sorted(data.solutions)
    outcomes = ["correct", "incorrect"]
    width = 0.38
    for n, outcome in enumerate(outcomes):
        per_problem = [data.solutions[lang][outcome] / max(data.problems, 1) for lang in languages]
        axes.bar([i + (n - 0.5) * width for i in range(len(languages))], per_problem, width, label=outcome, color=_COLORS[n])
    axes.set_xticks(range(len(languages)), languages)
    axes.set_title("Solutions per problem, by language and correctness")
    axes.set_ylabel("solutions per problem")
    axes.legend(fontsize=8)
    _save(figure, out / "solutions_per_problem.png")
    plots.append({"file": "solutions_per_problem.png", "title": "Solutions per problem", "series": outcomes})

    # 5. split sizes, by site
    figure, axes = plt.subplots(figsize=(6, 3.4))
    split_names = [s.value for s in Split]
    split_sites = sorted({s for c in data.splits.values() for s in c})
    _stacked_bars(axes, split_names, split_sites, data.splits)
    axes.set_title("Split sizes (problems), by site")
    axes.set_ylabel("problems")
    if split_sites:
        axes.legend(fontsize=8)
    _save(figure, out / "split_sizes.png")
    plots.append({"file": "split_sizes.png", "title": "Split sizes", "series": split_sites})

    # 6. what each curation step dropped, and why
    drops = []
    for step in data.curation.get("steps", []):
        for part in ("problems", "solutions", "tests"):
            for reason, count in step[part]["dropped"].items():
                drops.append((f"{step['step']}: {reason} ({part})", count))
    longest = max((len(label) for label, _ in drops), default=0)
    # wide enough for the longest reason: labels are never clipped
    figure, axes = plt.subplots(figsize=(max(9.0, 4 + 0.075 * longest), max(2.5, 0.35 * len(drops) + 1)))
    axes.set_title("What each curation step dropped")
    if drops:
        axes.barh([label for label, _ in drops], [count for _, count in drops], color=_COLORS[3])
        axes.set_xlabel("count")
        axes.tick_params(axis="y", labelsize=7)
        axes.invert_yaxis()  # steps top to bottom in pipeline order
    else:
        axes.text(0.5, 0.5, "Nothing was dropped", ha="center", va="center", fontsize=12, transform=axes.transAxes)
        axes.set_axis_off()
    _save(figure, out / "curation_drops.png")
    plots.append({"file": "curation_drops.png", "title": "Curation drops", "series": ["dropped"], "bars": len(drops)})

    return plots


def _every_month(months: list[str], cutoffs: SplitCutoffs) -> list[str]:
    """Every month from the first to the last with problems (and to the cutoffs, when they fall inside)."""
    if not months:
        return []
    year, month = map(int, months[0].split("-"))
    last = months[-1]
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


_STRENGTH_BARS = [("tpr_before", "TPR before generated"), ("tpr_after", "TPR with generated"),
                  ("tnr_before", "TNR before generated"), ("tnr_after", "TNR with generated")]  # fmt: skip


def _denominators(counts: dict[str, Any]) -> str:
    return f"{counts['correct_solutions_checked']} correct / {counts['incorrect_solutions_checked']} incorrect"


def _strength_plot(data: ReportData, path: Path) -> dict[str, Any]:
    """Two panels (every labelled solution that ran; what curation kept), one group of four bars per split. The
    denominators (correct / incorrect solutions checked) sit under each group, so a 100% over 2 reads as what it is."""
    stages = [("test_strength_all_labelled", "All labelled solutions that ran"), ("test_strength", "After curation")]
    figure, panels = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    measured = 0
    for axes, (key, title) in zip(panels, stages, strict=True):
        by_split: dict[str, dict[str, Any]] = (data.curation.get(key) or {}).get("by_split", {})
        splits = [s for s in (x.value for x in Split) if s in by_split]
        axes.set_title(title, fontsize=10)
        if not splits:
            axes.text(0.5, 0.5, "Nothing measured yet\n(run cpdata verify)", ha="center", va="center", transform=axes.transAxes)
            axes.set_xticks([])
            continue
        measured += len(splits)
        width = 0.2
        for n, (field_name, label) in enumerate(_STRENGTH_BARS):
            values = [by_split[s].get(field_name) or 0.0 for s in splits]
            axes.bar([i + (n - 1.5) * width for i in range(len(splits))], values, width, label=label, color=_COLORS[n])
        axes.set_xticks(
            range(len(splits)),
            [f"{s}\n{_denominators(by_split[s])}" for s in splits],
            fontsize=8,
        )
        axes.set_ylim(0, 1.05)
    panels[0].set_ylabel("share of solutions")
    if measured:
        panels[-1].legend(fontsize=7, loc="lower right")
    figure.suptitle("Test strength: correct solutions that pass (TPR), incorrect ones caught (TNR)", fontsize=11)
    _save(figure, path)
    return {"file": path.name, "title": "Test strength", "series": [label for _, label in _STRENGTH_BARS], "groups": measured}


def _tables(data: ReportData) -> str:
    split_rows = "\n".join(
        f"| {s} | {sum(c.values())} | " + ", ".join(f"{site} {n}" for site, n in sorted(c.items())) + " |"
        for s, c in data.splits.items()
    )
    step_rows = []
    for step in data.curation.get("steps", []):
        dropped = {**step["problems"]["dropped"], **step["solutions"]["dropped"]}
        step_rows.append(
            f"| {step['step']} | {step['problems']['in']} → {step['problems']['out']} | "
            f"{step['solutions']['in']} → {step['solutions']['out']} | "
            + ("; ".join(f"{r}: {n}" for r, n in sorted(dropped.items())) or "–")
            + " |"
        )
    language_rows = "\n".join(f"| {lang} | {c['correct']} | {c['incorrect']} |" for lang, c in sorted(data.solutions.items()))
    return f"""{_strength_table(data)}## Splits

| split | problems | by site |
|---|---|---|
{split_rows}

Problems with no known date (always in train): {sum(data.undated.values())}.

## Curation

| step | problems in → out | solutions in → out | dropped (reason: count) |
|---|---|---|---|
{chr(10).join(step_rows)}

## Solutions by language

| language | correct | incorrect |
|---|---|---|
{language_rows}
"""


def _percent(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _strength_table(data: ReportData) -> str:
    """TPR and TNR (and the validity of generated tests) before anything else: what the tests are worth."""
    strength = data.curation.get("test_strength") or {}
    by_split: dict[str, dict[str, Any]] = strength.get("by_split") or {}
    if not by_split:
        return "## Test strength\n\nNot measured yet: run `cpdata verify` (and `cpdata gen-tests`), then report again.\n\n"
    rows = []
    for split, c in [*sorted(by_split.items()), ("overall", strength.get("overall") or {})]:
        rows.append(
            f"| {split} | {_percent(c.get('tpr_before'))} → {_percent(c.get('tpr_after'))} | "
            f"{_percent(c.get('tnr_before'))} → {_percent(c.get('tnr_after'))} | "
            f"{c.get('correct_solutions_checked', 0)} / {c.get('incorrect_solutions_checked', 0)} |"
        )
    validity = _percent(strength.get("generated_tests_valid_share"))
    stages = []
    for split, c in [*sorted(by_split.items()), ("overall", strength.get("overall") or {})]:
        staged = c.get("by_stage") or {}
        tnr = [
            _percent(None if staged.get(s, {}).get(k) is None else 1 - staged[s][k])
            for s, k in (("samples_only", "fp_rate"), ("samples_and_generated", "fp_rate"),
                         ("samples_and_generated", "fp_rate_held_out"), ("samples_and_official", "fp_rate"))
        ]  # fmt: skip
        stages.append(f"| {split} | {' | '.join(tnr)} | {staged.get('samples_and_generated', {}).get('held_out_incorrect', 0)} |")
    return (
        "## Test strength\n\nTPR: correct solutions that pass every test; TNR: incorrect ones that fail one (before → "
        "with generated tests), after curation.\n\n| split | TPR | TNR | correct / incorrect checked |\n|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\nTNR at the stages a user decides on. Held out: the incorrect solutions that never guided `gen-tests "
        "--search` (half, by a fixed hash); the other columns count the guides too.\n\n| split | samples only | "
        "samples + generated | samples + generated, held out | samples + official | held-out solutions |\n"
        "|---|---|---|---|---|---|\n"
        + "\n".join(stages)
        + f"\n\nGenerated tests that the problems' input validators accept: {validity}.\n\n"
    )


def write_report(
    store: Store, out: Path, options: CurationOptions | None = None, cutoffs: SplitCutoffs = DEFAULT_CUTOFFS
) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    data = collect(store, options or CurationOptions(), cutoffs)
    plots = _plots(data, out)
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    summary = {
        "generated_at": generated,
        "cpdata_version": __version__,
        "problems": data.problems,
        "cutoffs": cutoffs.as_dict(),
        "splits": {s: dict(c) for s, c in data.splits.items()},
        "plots": plots,
        "curation": data.curation,
    }
    (out / "report.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    intro = (
        f"{data.problems} problems after curation; train before {cutoffs.valid_from}, valid from {cutoffs.valid_from}, "
        f"test from {cutoffs.test_from} (contest start, UTC; duplicate clusters by their earliest copy)."
    )
    tables = _tables(data)
    images_md = "\n\n".join(f"### {p['title']}\n\n![{p['title']}]({p['file']})" for p in plots)
    (out / "README.md").write_text(
        f"# Dataset report (cpdata {__version__}, {generated})\n\n{intro}\n\n{tables}\n## Plots\n\n{images_md}\n"
    )
    images_html = "\n".join(
        f'<figure><figcaption>{html.escape(p["title"])}</figcaption><img alt="{html.escape(p["title"])}" '
        f'src="data:image/png;base64,{base64.b64encode((out / p["file"]).read_bytes()).decode()}"></figure>'
        for p in plots
    )
    (out / "report.html").write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Dataset report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px;font-size:14px}}
figure{{margin:2em 0}}figcaption{{font-weight:bold;margin-bottom:.5em}}img{{max-width:100%}}</style></head>
<body><h1>Dataset report</h1><p>cpdata {__version__}, {generated}. {html.escape(intro)}</p>
{_markdown_tables_to_html(tables)}
{images_html}
</body></html>
""")
    return summary


def _markdown_tables_to_html(markdown: str) -> str:
    """The few Markdown constructs the report uses (headings, paragraphs, pipe tables) as HTML."""
    parts: list[str] = []
    rows: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            if not set(line.replace("|", "").strip()) <= set("-"):
                rows.append(line)
            continue
        if rows:
            cells = [[html.escape(c.strip()) for c in row.strip("|").split("|")] for row in rows]
            head = "".join(f"<th>{c}</th>" for c in cells[0])
            body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells[1:])
            parts.append(f"<table><tr>{head}</tr>{body}</table>")
            rows = []
        if line.startswith("## "):
            parts.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.strip():
            parts.append(f"<p>{html.escape(line)}</p>")
    return "\n".join(parts)
