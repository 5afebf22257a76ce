"""verify, gen-tests and test strength on a small real problem with correct and incorrect solutions written here."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cpdata.curation.formats.export import export_codecontests
from cpdata.curation.judging.judge import LocalExecutor, ResultCache
from cpdata.curation.judging.verify import verify
from cpdata.curation.report import write_report
from cpdata.curation.sandbox.sandbox import language_supported
from cpdata.curation.steps.pipeline import CurationOptions
from cpdata.curation.testgen.generate import GenerateOptions, generate_tests, mutate
from cpdata.schema import Language, ProblemProgram, Site, Store
from tests import factories as f

# "Print the largest of n integers." The public tests hold positive numbers only, so wrong solutions pass them.
CORRECT = [
    ("Python 3", "input()\nprint(max(map(int, input().split())))\n"),
    ("Python 3", "n = int(input())\nxs = list(map(int, input().split()))\nxs.sort()\nprint(xs[-1])\n"),
    ("Python 3", "import sys\ndata = sys.stdin.read().split()\nprint(max(int(x) for x in data[1:]))\n"),
    (
        "GNU G++17",
        "#include <bits/stdc++.h>\nint main(){int n;std::cin>>n;long long b=LLONG_MIN,x;"
        'while(n--){std::cin>>x;b=std::max(b,x);}std::cout<<b<<"\\n";}\n',
    ),
]
INCORRECT = [
    ("Python 3", "input()\nprint(max(0, *map(int, input().split())))\n"),  # wrong when every number is negative
    ("Python 3", "input()\nxs = list(map(int, input().split()))\nprint(max(xs[1:]) if len(xs) > 1 else 0)\n"),  # skips the first
    ("Python 3", "print(1/0)\n"),  # crashes on everything
]
PUBLIC = [("3\n1 5 2\n", "5\n"), ("4\n7 7 3 9\n", "9\n")]
# The problem's input validator, as a jury would write it: n, then n integers in [-100, 100].
VALIDATOR = "INT(1, 10, n) NEWLINE\nREPI(i, n, SPACE)\n  INT(-100, 100)\nEND\nNEWLINE\nEOF\n"

pytestmark = pytest.mark.skipif(not language_supported(Language.cpp), reason="g++ is not installed")


def _plant(store: Store, hack: bool = False, validator: bool = True) -> None:
    entities: list[object] = [
        f.contest("2000"),
        f.problem("2000", "A", statement="Print the largest of n integers.", time_limit_ms=1000),
    ]
    entities += [f.test_case("2000", "A", n, input=i, output=o) for n, (i, o) in enumerate(PUBLIC)]
    if hack:  # a hack input, output unknown until the correct solutions agree on it
        entities.append(f.test_case("2000", "A", 0, kind="private", origin="hack", input="2\n9 1\n", output=None))
    for n, (language, code) in enumerate(CORRECT):
        entities.append(f.submission(f"c{n}", "2000", "A", language_raw=language, verdict_raw="OK", source_code=code))
    for n, (language, code) in enumerate(INCORRECT):
        entities.append(f.submission(f"w{n}", "2000", "A", language_raw=language, verdict_raw="WRONG_ANSWER", source_code=code))
    store.ingest(entities)  # type: ignore[arg-type]
    if validator:
        program = ProblemProgram(site=Site.codeforces, contest_id="2000", index="A", role="input_validator", name="v.ctd",
                                 language="checktestdata", files={"v.ctd": VALIDATOR}, entry="v.ctd")  # fmt: skip
        store.write_programs([program])


def test_mutations_keep_the_shape() -> None:
    rng = random.Random(1)
    for _ in range(50):
        text = "3\n1 5 2\n"
        mutated = mutate(text, rng)
        assert [len(line.split()) for line in mutated.splitlines()] == [1, 3] and mutated.endswith("\n")
    assert mutate("1010\n", random.Random(3)) != "1010\n"


def test_verify_then_generate_then_strength(sqlite_store: Store, tmp_path: Path) -> None:
    _plant(sqlite_store)
    executor = LocalExecutor(2)
    first = verify(sqlite_store, executor=executor)
    assert first.solutions == 7 and first.ran > 0
    # the weak public tests let two wrong solutions through; the crashing one is caught
    _, rows = sqlite_store.run_sql("SELECT submission_id, outcome FROM verification_disagreements ORDER BY submission_id")
    assert rows == [("w0", "ok"), ("w1", "ok")]
    assert first.by_language["python3"]["rejected_but_passed"] == 2
    # nothing runs twice
    again = verify(sqlite_store, executor=executor)
    assert again.ran == 0 and again.from_cache == first.ran

    summary = generate_tests(
        sqlite_store, options=GenerateOptions(min_agree=4, max_tests=60, budget_seconds=120, seed=7), executor=executor
    )
    assert summary.generated == 60
    tests = sqlite_store.tests_for([("codeforces", "2000", "A")])[("codeforces", "2000", "A")]
    generated = [t for t in tests if t.kind == "generated"]
    assert len(generated) == 60
    for test in generated:  # every generated test is right: check against the definition of the problem
        numbers = (test.input or "").split()
        assert int(numbers[0]) == len(numbers) - 1 and (test.output or "").split() == [str(max(map(int, numbers[1:])))]
    assert any(min(map(int, (t.input or "").split()[1:])) < 0 for t in generated)  # beyond the samples' positive numbers
    assert summary.valid_candidates >= 60 and summary.rejected.get("invalid by the validator", 0) >= 0

    verify(sqlite_store, executor=executor)
    _, rows = sqlite_store.run_sql("SELECT submission_id FROM verification_disagreements ORDER BY submission_id")
    caught = {"w0", "w1"} - {r[0] for r in rows}
    assert caught  # generated tests catch wrong solutions the public tests let through

    result = export_codecontests(sqlite_store, tmp_path / "out", curation=CurationOptions())
    strength = result.manifest["curation"]["test_strength"]["overall"]
    # before generated tests two of the three known-incorrect solutions pass every test; after, fewer do
    assert strength["incorrect_solutions_checked"] == 2  # the crashing one passes no test: dropped before measuring
    assert strength["false_positives_before_generated"] == 2
    assert strength["false_positives_after_generated"] == 2 - len(caught)
    # gen-tests kept only inputs the validator accepted, and its verdicts are on record for the export
    measured = result.manifest["curation"]["test_strength"]
    assert measured["generated_tests_by_validator"] == {"valid": 60} and measured["generated_tests_valid_share"] == 1.0
    per_problem = json.loads((tmp_path / "out" / "test_strength.json").read_text())
    assert per_problem["codeforces/2000/A"]["fp_rate_before"] == 1.0
    assert per_problem["codeforces/2000/A"]["fp_rate_after"] < 1.0
    steps = {s["step"]: s for s in result.manifest["curation"]["steps"]}
    assert steps["drop_solutions_passing_no_test"]["solutions"]["dropped"] == {"passes no test": 1}  # the crashing one
    report = write_report(sqlite_store, tmp_path / "report", CurationOptions())
    plot = next(p for p in report["plots"] if p["file"] == "test_strength.png")
    assert plot["groups"] == 2  # one split measured in each panel (every labelled solution; after curation)


def test_too_few_correct_solutions_warn_but_still_generate_and_hacks_get_outputs(sqlite_store: Store) -> None:
    _plant(sqlite_store, hack=True)
    summary = generate_tests(
        sqlite_store, options=GenerateOptions(min_agree=30, max_tests=5, budget_seconds=30), executor=LocalExecutor(2)
    )
    assert summary.generated == 5 and summary.hack_outputs == 1
    tests = sqlite_store.tests_for([("codeforces", "2000", "A")])[("codeforces", "2000", "A")]
    assert next(t for t in tests if t.kind == "private").output == "9\n"
    assert summary.warnings == ["codeforces/2000/A: only 4 correct solutions can vote on each test (wanted 30)"]
    cached = ResultCache(sqlite_store)
    assert sqlite_store.count("execution_result") > 0 and cached is not None


def test_without_stated_bounds_the_specification_keeps_to_what_the_samples_show(sqlite_store: Store) -> None:
    _plant(sqlite_store, validator=False)  # "Print the largest of n integers.": no Input section, no bounds
    summary = generate_tests(sqlite_store, options=GenerateOptions(min_agree=4, max_tests=5), executor=LocalExecutor(2))
    assert summary.generated == 5 and "codeforces/2000/A" in summary.narrow and "codeforces/2000/A" in summary.inferred
    key = ("codeforces", "2000", "A")
    generated = [t for t in sqlite_store.tests_for([key])[key] if t.kind == "generated"]
    for test in generated:  # n within the samples' [3, 4], values within their [1, 9]: valid for the real problem
        numbers = list(map(int, (test.input or "").split()))
        assert 3 <= numbers[0] <= 4 and all(1 <= v <= 9 for v in numbers[1:])
        assert test.validated_by == "inferred specification"
    program = next(p for p in sqlite_store.programs_for(key) if p.role == "input_validator")
    assert program.name == "cpdata-inferred" and set(program.files) == {"spec.ctd", "spec.json"}


def test_unvalidated_tests_are_made_only_when_asked_and_marked_in_the_store_and_the_export(
    sqlite_store: Store, tmp_path: Path
) -> None:
    _plant(sqlite_store, validator=False)
    key = ("codeforces", "2000", "A")
    # samples of two shapes nothing read before explains: no specification can be inferred
    sqlite_store.write([f.test_case("2000", "A", 2, input="1 2\n3\n4 5 6\n", output="6\n")])
    plain = generate_tests(sqlite_store, options=GenerateOptions(min_agree=4, max_tests=5), executor=LocalExecutor(2))
    assert plain.generated == 0 and plain.candidates == 0 and "codeforces/2000/A" in plain.no_spec
    options = GenerateOptions(min_agree=4, max_tests=5, unvalidated=True, budget_seconds=60)
    summary = generate_tests(sqlite_store, options=options, executor=LocalExecutor(2))
    assert summary.generated == 5 and summary.unvalidated == {"codeforces/2000/A": 5}
    generated = [t for t in sqlite_store.tests_for([key])[key] if t.kind == "generated"]
    assert len(generated) == 5 and {t.validated_by for t in generated} == {"none"}
    result = export_codecontests(sqlite_store, tmp_path / "out", curation=CurationOptions())
    record = json.loads(next(p for p in (tmp_path / "out").glob("*.jsonl") if p.stat().st_size).read_text().splitlines()[0])
    assert record["generated_tests_validation"] == "none" and record["generated_tests_validated"] == [False] * 5
    counts = {split: c for split, c in result.manifest["splits"].items() if c["problems"]}
    assert [c["generated_not_validated"] for c in counts.values()] == [1]
    assert (
        "| problems with generated tests | jury validator | inferred specification | not validated |"
        in (tmp_path / "out" / "README.md").read_text()
    )


def test_every_generated_input_is_valid_by_the_validator(sqlite_store: Store) -> None:
    from cpdata.curation.judging.checkers import InputValidators
    from cpdata.curation.sandbox.sandbox import Sandbox

    _plant(sqlite_store)
    generate_tests(sqlite_store, options=GenerateOptions(min_agree=4, max_tests=20, seed=3), executor=LocalExecutor(2))
    key = ("codeforces", "2000", "A")
    problem = next(p for batch in sqlite_store.iter_problem_batches() for p, _ in batch if p.key == key)
    generated = [t.input or "" for t in sqlite_store.tests_for([key])[key] if t.kind == "generated"]
    with Sandbox() as sandbox:
        validators = InputValidators.for_problem(sqlite_store, sandbox, problem)
        assert validators is not None and len(generated) == 20 and all(validators.check(generated))
        assert validators.check(["3\n1 2\n", "0\n\n", "2\n500 1\n"]) == [False, False, False]  # and it does reject


def test_several_answers_without_a_checker_are_marked_and_not_measured(sqlite_store: Store, tmp_path: Path) -> None:
    # "Print an index of a largest number": both the first and the last index are right, but the problem has no
    # checker, so its tests (one answer each) reject one correct solution or the other.
    tests = [("3\n5 5 1\n", "1\n"), ("2\n1 9\n", "2\n")]
    first = "input()\nxs = list(map(int, input().split()))\nprint(xs.index(max(xs)) + 1)\n"
    last = "input()\nxs = list(map(int, input().split()))\nprint(len(xs) - xs[::-1].index(max(xs)))\n"
    entities: list[object] = [f.contest("2001"), f.problem("2001", "A", statement="Print an index of a largest number.")]
    entities += [f.test_case("2001", "A", n, input=i, output=o) for n, (i, o) in enumerate(tests)]
    for n, code in enumerate([first, last]):
        entities.append(f.submission(f"c{n}", "2001", "A", language_raw="Python 3", verdict_raw="OK", source_code=code))
    wrong = f.submission("w0", "2001", "A", language_raw="Python 3", verdict_raw="WRONG_ANSWER", source_code="print(1)\n")
    entities.append(wrong)
    sqlite_store.ingest(entities)  # type: ignore[arg-type]
    verify(sqlite_store, executor=LocalExecutor(2))

    result = export_codecontests(sqlite_store, tmp_path / "out", curation=CurationOptions())
    records = [json.loads(line) for path in (tmp_path / "out").glob("*.jsonl") for line in path.read_text().splitlines()]
    record = next(r for r in records if r["name"].startswith("2001"))
    assert record["multiple_answers"] is True and record["multiple_answers_without_checker"] is True
    for stage in ("test_strength", "test_strength_all_labelled"):
        strength = result.manifest["curation"][stage]
        assert strength["problems_not_measured_multiple_answers_without_checker"] == ["codeforces/2001/A"]
        assert strength["problems_measured"] == 0


def test_a_fault_in_drawing_drops_that_source_loudly_and_the_run_goes_on() -> None:
    from cpdata.curation.testgen import generate
    from cpdata.curation.testgen.ctdgen import parse_script

    class Faulty:
        def generate(self, rng: random.Random, profile: str) -> str:
            raise OverflowError("math range error")  # what a bound of 10^1000 once did to a log-uniform draw

    scripts: list[generate.Generator] = [Faulty(), parse_script("INT(1, 9) NEWLINE EOF")]
    broken: list[str] = []
    drawn = generate._candidates(scripts, ["5\n"], random.Random(3), iter(["random/uniform"] * 1000), set(), 20, broken)
    assert scripts[0] is generate._EXHAUSTED and scripts[1] is not generate._EXHAUSTED
    assert broken == ["drawing from a specification failed (OverflowError: math range error); it is not drawn from"]
    assert len(drawn) >= 5 and all(source in (-1, 1) for _, source in drawn)


def test_a_script_the_validator_always_rejects_stops_crowding_out_mutations() -> None:
    from collections import Counter

    from cpdata.curation.testgen import generate
    from cpdata.curation.testgen.ctdgen import parse_script

    scripts = [parse_script("INT(1, 9) NEWLINE EOF"), parse_script("INT(10, 99) NEWLINE EOF")]
    profiles = iter(["random/uniform"] * 1000)
    drawn_from, valid_from = Counter[int](), Counter[int]()
    rng = random.Random(2)
    sources: Counter[int] = Counter()
    for _ in range(10):
        drawn = generate._candidates(scripts, ["5\n"], rng, profiles, set(), 20, [])
        sources.update(source for _, source in drawn)
        # a validator that takes one digit only: the second script never proposes a valid input
        verdicts: list[bool | None] = [len(text.strip()) == 1 for text, _ in drawn]
        generate._drop_unproductive(scripts, drawn, verdicts, drawn_from, valid_from)
    assert scripts[1] is generate._EXHAUSTED and scripts[0] is not generate._EXHAUSTED
    assert generate._PATIENCE <= drawn_from[1] < generate._PATIENCE + 20  # dropped within a round of its patience
    assert valid_from[0] > 0 and sources[-1] > 0  # the first script and mutations went on
