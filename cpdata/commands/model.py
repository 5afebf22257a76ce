"""``cpdata prompts`` and ``cpdata evaluate``: from the dataset to a model and back (``cpdata export sft`` writes the
training records, beside the other exports)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from cpdata.commands.execution import ExecutorOption, RayAddressOption, TimeFactor, UnsafeOption, Workers, open_executor
from cpdata.commands.options import (
    TEST_FROM,
    VALID_FROM,
    Commands,
    DbOption,
    JsonOption,
    TestFromOption,
    ValidFromOption,
    cutoffs_from,
    fail,
    open_store,
)
from cpdata.output import OutputFormat, print_json, print_rows, progress_bar, stderr, stdout

__all__ = ["COMMANDS"]

COMMANDS = Commands()
EvalSplit = Literal["train", "valid", "test"]
PromptSplit = Literal["valid", "test"]


@COMMANDS.command(
    "prompts",
    example=[
        "cpdata prompts out/prompts --split test --shots 0",
        "cpdata prompts out/prompts --split valid --shots 3 --choose similar --language cpp",
        "cpdata prompts out/prompts --shots 2 --template my_template.j2 --seed 7",
    ],
)
def prompts(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT_DIR", help="Directory for SPLIT.jsonl, manifest and card.")],
    split: Annotated[PromptSplit, typer.Option("--split", help="The evaluation split to write prompts for.")] = "test",
    shots: Annotated[int, typer.Option("--shots", min=0, metavar="K", help="Worked examples before each problem.")] = 0,
    choose: Annotated[
        Literal["random", "similar"],
        typer.Option("--choose", help="Examples at random (per target, from --seed), or the most similar statements."),
    ] = "random",
    seed: Annotated[int, typer.Option("--seed", help="Seed of --choose random.")] = 0,
    language: Annotated[
        str, typer.Option("--language", help="The language asked for, and of the examples' solutions.")
    ] = "python3",
    statement: Annotated[
        Literal["markdown", "plain"], typer.Option("--statement", help="Markdown as stored, or CodeContests' plain text.")
    ] = "markdown",
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            metavar="FILE",
            help="A Jinja2 template: problem, name, statement, samples, limits, language, examples (each with solution).",
            show_default="cpdata's",
        ),
    ] = None,
    valid_from: ValidFromOption = VALID_FROM,
    test_from: TestFromOption = TEST_FROM,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Write one prompt per problem of an evaluation split, zero-shot or with K examples from the train split (never
    from the target's duplicate cluster), chosen reproducibly."""
    from cpdata.curation.formats.atomic import NotAnExportDirectory
    from cpdata.curation.formats.training import PromptOptions, TemplateError, build_prompts
    from cpdata.schema import Language

    try:
        chosen_language = Language(language)
        text = template.read_text(encoding="utf-8") if template is not None else None
    except ValueError as exc:
        raise fail(f"--language: {exc}") from exc
    options = PromptOptions(split=split, shots=shots, choose=choose, seed=seed, language=chosen_language,
                            statement_format=statement, template=text)  # fmt: skip
    with open_store(db, create=False, write=False) as store:
        try:
            manifest = build_prompts(store, out_dir, options, cutoffs=cutoffs_from(valid_from, test_from))
        except (TemplateError, NotAnExportDirectory) as exc:
            raise fail(f"{template or 'template'}: {exc}" if isinstance(exc, TemplateError) else str(exc)) from exc
    if json_output:
        print_json(manifest)
    else:
        print_rows(["count", "value"], list(manifest["counts"].items()), OutputFormat.table, title=f"prompts in {out_dir}")


@COMMANDS.command(
    "evaluate",
    example=[
        "cpdata evaluate samples.jsonl --split test",
        "cpdata evaluate samples.jsonl --k 1,10,100 --n 10 --report out/report --json",
        "cpdata evaluate samples.jsonl --executor ray --ray-address auto",
    ],
)
def evaluate(
    samples: Annotated[
        Path,
        typer.Argument(
            metavar="SAMPLES.jsonl",
            help="A model's programs, one JSON line each: problem (or CodeContests' name), language, code; '-' for stdin.",
        ),
    ],
    split: Annotated[EvalSplit, typer.Option("--split", help="The split the samples answer.")] = "test",
    ks: Annotated[str, typer.Option("--k", metavar="LIST", help="The k of pass@k, comma-separated.")] = "1,10,100",
    picks: Annotated[str, typer.Option("--n", metavar="LIST", help="The n of AlphaCode's n@k, comma-separated.")] = "1,10",
    report: Annotated[
        Path | None, typer.Option("--report", metavar="DIR", help="Also write evaluation.html (with plots) and evaluation.json.")
    ] = None,
    time_factor: TimeFactor = 2.0,
    workers: Workers = None,
    unsafe: UnsafeOption = False,
    executor: ExecutorOption = "local",
    ray_address: RayAddressOption = None,
    valid_from: ValidFromOption = VALID_FROM,
    test_from: TestFromOption = TEST_FROM,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run a model's programs on a split's tests in the sandbox and score them: pass@k (the unbiased estimator) and
    AlphaCode's n@k (filter by the public tests, cluster by behaviour, one submission per largest cluster), overall
    and by site, rating, month and language. Problems with weak tests or several answers and no checker are scored
    apart. Runs are cached: an interrupted evaluation resumes."""
    from cpdata.curation.evaluation import EvaluationOptions, write_evaluation_page
    from cpdata.curation.evaluation import evaluate as run_evaluation

    try:
        chosen_ks = tuple(sorted({int(x) for x in ks.split(",") if x.strip()}))
        chosen_picks = tuple(sorted({int(x) for x in picks.split(",") if x.strip()}))
    except ValueError:
        raise fail(f"--k and --n take comma-separated whole numbers, not {ks!r} / {picks!r}") from None
    if not chosen_ks or min(chosen_ks) < 1 or not chosen_picks or min(chosen_picks) < 1:
        raise fail("--k and --n need numbers of at least 1")
    if str(samples) != "-" and not samples.is_file():
        raise fail(f"{samples}: no such file")
    options = EvaluationOptions(split=split, ks=chosen_ks, picks=chosen_picks, time_factor=time_factor)
    lines = sys.stdin if str(samples) == "-" else samples.open(encoding="utf-8", errors="replace")
    with (
        open_store(db, create=False) as store,
        open_executor(executor, workers, unsafe, ray_address) as runner,
        progress_bar("evaluate", None, enabled=not json_output) as bar,
    ):
        result = run_evaluation(store, lines, runner, options, cutoffs=cutoffs_from(valid_from, test_from), progress=bar.update)
    if report is not None:
        page = write_evaluation_page(result, report)
        stderr.print(f"report: {page}", markup=False)
    if json_output:
        print_json(result)
    else:
        _print(result)
    if result["rejects"]:
        raise typer.Exit(1)


def _print(result: dict[str, object]) -> None:
    overall = result["overall"]
    assert isinstance(overall, dict)
    rows = [
        (
            "overall",
            overall["problems"],
            overall["samples"],
            *(v for k, v in overall.items() if "@" in k and not k.endswith("_problems")),
        )
    ]
    names = [k for k in overall if "@" in k and not k.endswith("_problems")]
    for group in ("by_site", "by_rating", "by_month", "by_language"):
        scores = result[group]
        assert isinstance(scores, dict)
        rows += [(f"{group[3:]}: {name}", s["problems"], s["samples"], *(s[k] for k in names)) for name, s in scores.items()]
    print_rows(["scope", "problems", "samples", *names], rows, OutputFormat.table, title=f"evaluation on {result['split']}")
    apart = result["scored_apart"]
    assert isinstance(apart, dict)
    if apart["problems"]:
        print_rows(["problem", "why scored apart"], list(apart["problems"].items()), OutputFormat.table, title="scored apart")
    rejects = result["rejects"]
    assert isinstance(rejects, list)
    for reject in rejects:
        stdout.print(f"line {reject['line']}: {reject['reason']}", markup=False)
