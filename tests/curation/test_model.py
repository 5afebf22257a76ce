"""From dataset to model: training records, few-shot prompts and AlphaCode-style evaluation, on the demo's store and
on a real jury package, with real programs as a model's samples and the expected scores worked out by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cpdata import load_dataset
from cpdata.cli import app
from cpdata.curation.evaluation import EvaluationOptions, evaluate, n_at_k, pass_at_k
from cpdata.curation.formats.package import import_packages
from cpdata.curation.formats.training import PromptOptions, SftOptions, TemplateError, build_prompts, export_sft
from cpdata.curation.judging.judge import LocalExecutor
from cpdata.curation.steps.pipeline import Curation, CurationOptions
from cpdata.schema import Contest, Problem, Store, Submission, Test, key_name
from tests.conftest import ROOT
from tests.curation.test_sandbox import SANDBOX

PACKAGES = ROOT.parent / "shared" / "icpc-packages"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's own store (a real crawl of the recorded sites), made once for this module."""
    workdir = tmp_path_factory.mktemp("demo") / "run"
    result = CliRunner().invoke(app, ["demo", "--workdir", str(workdir), "--json"])
    assert result.exit_code == 0, result.output
    return workdir / "cpdata.sqlite"


def _splits(db: Path) -> dict[str, str]:
    with Store(db, create=False) as store:
        return {key_name(item.key): split for split, _, item in Curation(store, CurationOptions(dedup=False)).records()}


def test_pass_at_k_and_n_at_k_by_hand() -> None:
    # n = 5 samples, c = 2 correct: pass@1 = 2/5; pass@2 = 1 - C(3,2)/C(5,2) = 1 - 3/10; pass@4 = 1 (only 3 wrong)
    assert pass_at_k(5, 2, 1) == pytest.approx(0.4)
    assert pass_at_k(5, 2, 2) == pytest.approx(0.7)
    assert pass_at_k(5, 2, 4) == 1.0 and pass_at_k(5, 0, 3) == 0.0
    with pytest.raises(ValueError):
        pass_at_k(2, 1, 3)
    # Samples 0-5: 5 fails the public tests; clusters by behaviour {0, 3} (wrong), {1, 2, 4} (right): 1@k submits the
    # largest (right); with the wrong cluster the larger, 1@k fails and 2@k still solves it.
    public = [True, True, True, True, True, False]
    signatures = ["w", "r", "r", "w", "r", "r"]
    correct = [False, True, True, False, True, False]
    assert n_at_k(public, signatures, correct, 1) is True
    assert n_at_k(public, ["w", "r", "w", "w", "r", "r"], [False, True, False, False, True, False], 1) is False
    assert n_at_k(public, ["w", "r", "w", "w", "r", "r"], [False, True, False, False, True, False], 2) is True
    assert n_at_k([False] * 3, ["a", "a", "a"], [True] * 3, 10) is False  # nothing passes the public tests


def test_sft_records_come_from_the_train_split_only(demo_store: Path, tmp_path: Path) -> None:
    splits = _splits(demo_store)
    with Store(demo_store, create=False) as store:
        manifest = export_sft(store, tmp_path / "sft")
        chat = export_sft(store, tmp_path / "chat", SftOptions(record_format="chat", fmt="parquet", task_prefix="solve:"))
        pairs = export_sft(store, tmp_path / "pairs", SftOptions(pairs=True, per_problem=1))
        one = export_sft(store, tmp_path / "one", SftOptions(per_problem=1, choose="random", seed=3))
        export_sft(store, tmp_path / "again", SftOptions(per_problem=1, choose="random", seed=3))
        correct = store.run_sql(
            'SELECT s.site, s.contest_id, s."index", s.language FROM submission s WHERE s.is_correct AND s.source_code '
            "IS NOT NULL AND s.language IN ('cpp', 'python3', 'java')"
        )[1]
    records = load_dataset(tmp_path / "sft", split="train")
    assert records and {r["problem"] for r in records} <= {k for k, s in splits.items() if s == "train"}
    assert {s for k, s in splits.items() if k not in {r["problem"] for r in records}} >= {"valid", "test"}
    in_train = [row for row in correct if splits.get("/".join(row[:3])) == "train"]
    assert manifest["records"] == len(records) == len(in_train)  # one per correct solution of a train problem
    assert all(r["completion"] and "Write a solution in" in r["prompt"] for r in records)
    assert all(
        f"Write a solution in {n}." in r["prompt"]
        for r in records
        for n in [{"cpp": "C++", "python3": "Python 3", "java": "Java"}[r["language"]]]
    )
    chats = load_dataset(tmp_path / "chat", split="train")
    assert len(chats) == len(records) and chats[0]["messages"][0]["content"].startswith("solve:\n")
    assert [m["role"] for m in chats[0]["messages"]] == ["user", "assistant"] and chat["records"] == len(records)
    paired = load_dataset(tmp_path / "pairs", split="train")
    assert pairs["records"] == len(paired) > 0
    assert all(p["chosen"] != p["rejected"] and p["rejected_verdict"] not in (None, "accepted") for p in paired)
    assert load_dataset(tmp_path / "one", split="train") == load_dataset(tmp_path / "again", split="train")  # seeded
    assert one["records"] == len({(r["problem"], r["language"]) for r in records})


def test_the_sft_cards_hugging_face_snippet_loads_the_records(demo_store: Path, tmp_path: Path) -> None:
    with Store(demo_store, create=False) as store:
        manifest = export_sft(store, tmp_path / "sft", SftOptions(fmt="parquet"))
    card = (tmp_path / "sft" / "README.md").read_text()
    snippet = card.split("```python\n")[-1].split("```")[0] + "\nprint(len(splits['train']))\n"
    env = {"HF_DATASETS_CACHE": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", snippet], cwd=tmp_path / "sft", capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == str(manifest["records"])


def _words(number: int, count: int = 30) -> list[str]:
    return [f"alpha{number}x{j}" for j in range(count)]


STATEMENTS = {
    1: _words(1), 2: _words(2), 3: _words(3), 4: _words(4),
    9: _words(4)[:25] + _words(9)[:5],  # most like 4, which is in its (stale) cluster: never its example
    10: _words(4)[:20] + _words(3)[:8] + _words(10)[:2],  # most like 4, then 3
}  # fmt: skip


def _few_shot_store(path: Path) -> Store:
    """Train problems 1-4, test problems 9 and 10; problem 4 is planted in problem 9's duplicate cluster (a stale
    finding, as after new problems arrived): it must never be one of 9's examples."""
    store = Store(path)
    entities: list = []  # type: ignore[type-arg]
    for number, when in ((1, 2020), (2, 2020), (3, 2020), (4, 2020), (9, 2022), (10, 2022)):
        cid = str(number)
        entities += [
            Contest(site="codeforces", contest_id=cid, start_time=datetime(when, 3, 1, tzinfo=UTC)),
            Problem(site="codeforces", contest_id=cid, index="A", name=f"P{number}", statement=" ".join(STATEMENTS[number])),
            Test(site="codeforces", contest_id=cid, index="A", kind="public", ordinal=0, input="2\n1 2\n", output="3\n"),
            Submission(site="codeforces", submission_id=f"s{number}", contest_id=cid, index="A", language_raw="Python 3",
                       verdict_raw="OK", source_code=f"# solution {number}\nprint(sum(map(int, open(0).read().split()[1:])))\n"),
        ]  # fmt: skip
    store.ingest(entities)
    store.replace_clusters(
        [
            {"site": "codeforces", "contest_id": "9", "index": "A", "exact_group": None, "cluster": "codeforces/9/A",
             "cluster_release": datetime(2022, 3, 1), "similarity": 1.0},
            {"site": "codeforces", "contest_id": "4", "index": "A", "exact_group": None, "cluster": "codeforces/9/A",
             "cluster_release": datetime(2020, 3, 1), "similarity": 0.9},
        ]
    )  # fmt: skip
    return store


def test_few_shot_examples_come_from_train_never_from_the_targets_cluster(tmp_path: Path) -> None:
    with _few_shot_store(tmp_path / "s.sqlite") as store:
        random_shots = build_prompts(store, tmp_path / "random", PromptOptions(split="test", shots=3, seed=5))
        build_prompts(store, tmp_path / "again", PromptOptions(split="test", shots=3, seed=5))
        similar = build_prompts(store, tmp_path / "similar", PromptOptions(split="test", shots=2, choose="similar"))
    prompts = {p["problem"]: p for p in load_dataset(tmp_path / "random", split="test")}
    assert set(prompts) == {"codeforces/9/A", "codeforces/10/A"}
    train = {"codeforces/1/A", "codeforces/2/A", "codeforces/3/A", "codeforces/4/A"}
    for prompt in prompts.values():
        assert len(prompt["examples"]) == 3 and set(prompt["examples"]) <= train
        assert prompt["prompt"].count("Solution:") == 4  # three worked examples and the target
    assert "codeforces/4/A" not in prompts["codeforces/9/A"]["examples"]  # its cluster
    assert prompts["codeforces/9/A"]["examples"] == sorted(
        train - {"codeforces/4/A"}, key=prompts["codeforces/9/A"]["examples"].index
    )
    assert load_dataset(tmp_path / "again", split="test") == load_dataset(tmp_path / "random", split="test")
    assert random_shots["counts"]["prompts"] == 2 and similar["counts"]["prompts"] == 2
    near = {p["problem"]: p["examples"] for p in load_dataset(tmp_path / "similar", split="test")}
    assert near["codeforces/10/A"] == ["codeforces/4/A", "codeforces/3/A"]  # the most similar statements first
    assert len(near["codeforces/9/A"]) == 2 and "codeforces/4/A" not in near["codeforces/9/A"]


def test_a_users_template_renders_and_a_broken_one_is_a_clear_error(tmp_path: Path) -> None:
    template = "{% for e in examples %}[{{ e.name }}] {{ e.solution }}{% endfor %}"
    template += "TASK {{ name }} in {{ language }}: {{ samples[0].input }}"
    with _few_shot_store(tmp_path / "s.sqlite") as store:
        build_prompts(store, tmp_path / "mine", PromptOptions(shots=1, template=template, seed=1))
        with pytest.raises(TemplateError, match="line 1"):
            build_prompts(store, tmp_path / "broken", PromptOptions(template="{% for x in %}"))
        with pytest.raises(TemplateError, match="rendering"):  # the sandbox refuses what a template must not do
            build_prompts(store, tmp_path / "evil", PromptOptions(template="{{ name.__class__.__mro__[1].__subclasses__() }}"))
    prompt = load_dataset(tmp_path / "mine", split="test")[0]["prompt"]
    assert prompt.startswith("[P") and "TASK P" in prompt and prompt.endswith("in Python 3: 2\n1 2\n")
    assert not (tmp_path / "broken").exists()


SAMPLES = [  # the demo's test problems (their public tests are all the tests they have)
    ("atcoder/arc999/A", "python3", "a, b = map(int, input().split())\nprint(abs(a - b))\n"),  # correct
    ("atcoder/arc999/A", "python3", "a,b=map(int,input().split())\nprint(abs(b-a))\n"),  # correct, same behaviour
    ("atcoder/arc999/A", "python3", "a, b = map(int, input().split())\nprint(a - b)\n"),  # wrong on "3 8"
    ("atcoder/arc999/A", "cpp", "int main( {"),  # does not compile
    ("atcoder/arc999/B", "python3", "print(input().upper())\n"),  # correct
    ("atcoder/arc999/B", "python3", "while True:\n    pass\n"),  # too slow
    ("atcoder/arc999/B", "python3", "print(input()[::-1].upper())\n"),  # wrong ("print(input())" is right by the
    # demo's lenient comparison, which ignores case as CodeContests' does)
]


def _lines(samples: list[tuple[str, str, str]]) -> list[str]:
    return [json.dumps({"problem": p, "language": lang, "code": code}) for p, lang, code in samples]


def test_evaluate_scores_real_programs_on_the_demo_as_worked_out_by_hand(demo_store: Path) -> None:
    lines = [*_lines(SAMPLES), '{"problem": "codeforces/1001/A", "language": "python3", "code": "print(1)"}', "{oops"]
    with Store(demo_store, create=False) as store:
        report = evaluate(store, lines, LocalExecutor(2, SANDBOX), EvaluationOptions(ks=(1, 2, 3), picks=(1, 10)))
        again = evaluate(store, lines, LocalExecutor(2, SANDBOX), EvaluationOptions(ks=(1, 2, 3), picks=(1, 10)))
    by_problem = {p["problem"]: p for p in report["problems"]}
    # arc999/A: n = 4, c = 2: pass@1 = 1/2, pass@2 = 1 - C(2,2)/C(4,2) = 5/6, pass@3 = 1 - 0 = 1;
    # the two correct ones behave alike (one cluster of 2, the largest): 1@k solves it.
    assert by_problem["atcoder/arc999/A"] == {
        "problem": "atcoder/arc999/A", "name": "古い形式", "samples": 4, "correct": 2, "pass_public": 2, "clusters": 1,
        "pass@1": 0.5, "pass@2": round(5 / 6, 4), "pass@3": 1.0, "1@k": True, "10@k": True, "scored_apart": None,
    }  # fmt: skip
    # arc999/B: n = 3, c = 1: pass@1 = 1/3, pass@2 = 1 - C(2,2)/C(3,2) = 2/3, pass@3 = 1; only the correct one
    # passes the public test (the slow one times out, the other is wrong), so 1@k solves it.
    assert (by_problem["atcoder/arc999/B"]["pass@1"], by_problem["atcoder/arc999/B"]["pass@2"]) == (
        round(1 / 3, 4),
        round(2 / 3, 4),
    )
    assert by_problem["atcoder/arc999/B"]["pass_public"] == 1 and by_problem["atcoder/arc999/B"]["1@k"] is True
    overall = report["overall"]
    assert overall["pass@1"] == round((1 / 2 + 1 / 3) / 2, 4) and overall["pass@2"] == round((5 / 6 + 2 / 3) / 2, 4)
    assert overall["1@k"] == 1.0 and overall["problems"] == 2 and overall["samples"] == 7
    assert report["by_language"]["cpp"] == {**report["by_language"]["cpp"], "samples": 1, "pass@1": 0.0}
    assert [r["line"] for r in report["rejects"]] == [8, 9]  # a train problem, and a line that is not JSON
    assert report["by_month"].keys() == {"2021-09"} and set(report["by_site"]) == {"atcoder"}
    assert again["overall"] == overall and again["runs"]["public"] == 0  # every run came from the cache
    # The samples changed nothing in the dataset: the same problems in the same splits.
    assert _splits(demo_store) == {k: v for k, v in _splits(demo_store).items()}


@pytest.fixture(scope="module")
def package_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    if not PACKAGES.is_dir():
        pytest.skip(f"{PACKAGES} is absent: the real jury packages are only beside the project in development and CI")
    store = Store(tmp_path_factory.mktemp("package") / "s.sqlite")
    import_packages(store, [PACKAGES / "infinityissues"])  # 19 official tests and a checker (several answers)
    return store


def _jury(name: str) -> str:
    return (PACKAGES / "infinityissues" / "submissions" / name).read_text()


def test_evaluate_scores_jury_solutions_on_a_real_package_with_its_checker(package_store: Store) -> None:
    problem = "package/winter-contest-2023/infinityissues"
    samples = [
        (problem, "cpp", _jury("accepted/sol.cpp")),
        (problem, "cpp", _jury("accepted/sol.cpp").replace("\n", "\n\n")),  # the same program, reformatted
        (problem, "cpp", _jury("accepted/rudi.cpp")),
        (problem, "python3", "print(input())\n"),  # wrong: echoes the first line
        (problem, "cpp", "int main( {"),  # does not compile
    ]
    # The package has no date: its problem is in train, which evaluate can score too (--split train).
    report = evaluate(package_store, _lines(samples), LocalExecutor(2, SANDBOX), EvaluationOptions(split="train", ks=(1, 2, 3)))
    row = report["problems"][0]
    # n = 5, c = 3 (the jury's accepted programs, judged by the jury's checker on its 19 official tests):
    # pass@1 = 3/5, pass@2 = 1 - C(2,2)/C(5,2) = 1 - 1/10, pass@3 = 1 (only two are wrong).
    assert (row["samples"], row["correct"], row["pass_public"]) == (5, 3, 3)
    assert (row["pass@1"], row["pass@2"], row["pass@3"]) == (0.6, 0.9, 1.0)
    # Only the three correct ones pass the public tests; they answer alike: one cluster, and 1@k solves the problem.
    assert row["clusters"] == 1 and row["1@k"] is True and row["10@k"] is True
    assert report["rejects"] == [] and report["overall"]["pass@1"] == 0.6


def test_an_export_with_package_problems_is_written(package_store: Store, tmp_path: Path) -> None:
    # A package problem has no CodeContests source: UNKNOWN_SOURCE (it once stopped the export with a KeyError).
    from cpdata.curation.formats.export import export_codecontests

    result = export_codecontests(package_store, tmp_path / "out")
    record = load_dataset(tmp_path / "out", split="train")[0]
    assert result.counts["train"]["problems"] == 1 and record.source == 0 and record.site == "package"


def test_evaluate_command_line_writes_a_report_page_with_plots(demo_store: Path, tmp_path: Path) -> None:
    samples = tmp_path / "samples.jsonl"
    samples.write_text("\n".join(_lines(SAMPLES)) + "\n")
    result = CliRunner().invoke(
        app, ["evaluate", str(samples), "--db", str(demo_store), "--k", "1,2", "--report", str(tmp_path / "report"), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["overall"]["pass@1"] == round((1 / 2 + 1 / 3) / 2, 4)
    page = (tmp_path / "report" / "evaluation.html").read_text()
    assert (
        "pass@1" in page
        and "evaluation_by_month.png" in page
        and (tmp_path / "report" / "evaluation_by_month.png").stat().st_size > 1000
    )
