"""The search guided by incorrect solutions (``gen-tests --search``): the guide / held-out split, the moves that
keep an input's shape, the set cover, the climb (on a model problem, no sandbox), and end to end in the sandbox."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cpdata.curation.formats.export import export_codecontests
from cpdata.curation.judging.judge import LocalExecutor
from cpdata.curation.judging.verify import verify
from cpdata.curation.sandbox.sandbox import language_supported
from cpdata.curation.steps.pipeline import CurationOptions
from cpdata.curation.testgen.generate import GenerateOptions, generate_tests
from cpdata.curation.testgen.mutation import crossover, reshape
from cpdata.curation.testgen.search import Scored, SearchOptions, SearchReport, choose_tests, is_guide, search
from cpdata.schema import Language, ProblemProgram, Site, Store, Submission
from tests import factories as f


def _submission(number: int) -> Submission:
    return Submission(site="codeforces", contest_id="2000", index="A", submission_id=f"w{number}")


def test_half_of_the_incorrect_solutions_guide_by_a_hash_of_each_alone() -> None:
    guides = [is_guide(_submission(n)) for n in range(2000)]
    assert 0.45 < sum(guides) / len(guides) < 0.55
    # a submission's side never depends on the others a problem has (scraping more moves nothing)
    assert [is_guide(_submission(n)) for n in range(50)] == guides[:50]


def test_moves_keep_the_inputs_shape() -> None:
    rng = random.Random(3)
    text = "5\n4 9 1 7 3\n"
    shapes = {reshape(text, rng) for _ in range(40)}
    assert all([len(line.split()) for line in s.splitlines()] == [1, 5] for s in shapes)
    assert "5\n1 3 4 7 9\n" in shapes and "5\n9 7 4 3 1\n" in shapes  # sorted and reverse-sorted
    assert any(len(set(s.split()[1:])) == 1 for s in shapes)  # all equal
    column = reshape("3\n5\n1\n4\n", random.Random(1))
    assert sorted(column.split()[1:]) == sorted(["5", "1", "4"]) or len(set(column.split()[1:])) < 3
    assert crossover("2\n1 2\n3 4\n", "2\n5 6\n7 8\n", random.Random(2)) in {
        "2\n1 2\n7 8\n", "2\n1 2\n3 4\n", "2\n5 6\n7 8\n", "2\n5 6\n3 4\n"
    }  # fmt: skip
    assert crossover("2\n1 2\n3 4\n", "3\n1 2 3\n4 5 6\n7 8 9\n", random.Random(2)) is None


def _scored(text: str, broken: set[str], heat: float = 0.0) -> Scored:
    return Scored(text, "", frozenset(broken), heat, "drawn")


def test_the_final_set_covers_everything_the_pool_breaks_then_fills_with_the_strongest() -> None:
    pool = [_scored("a", {"x"}), _scored("b", {"x", "y"}), _scored("c", {"z"}), _scored("d", set(), 0.9),
            _scored("e", set(), 0.1), _scored("f", {"y"})]  # fmt: skip
    chosen, cover = choose_tests(pool, keep=4)
    assert cover == 2 and {t.text for t in chosen[:2]} == {"b", "c"}  # two tests break all of x, y, z
    assert [t.text for t in chosen[2:]] == ["a", "f"]  # then those that break most, the hotter first among equals
    assert len(choose_tests(pool, keep=1)[0]) == 1


class _ModelHooks:
    """A model problem: n, then n numbers in [1, 9]. The guide 'sorted' fails when a line of five or more numbers is
    sorted; 'slow' is hot on long inputs and fails on the longest. Drawn inputs are random, so rarely sorted."""

    def __init__(self) -> None:
        self.drawn = 0

    def propose(self, rng: random.Random, count: int, favoured: dict[str, float]) -> list[tuple[str, str]]:
        out = []
        for _ in range(count):
            n = rng.randint(1, 6)
            out.append((f"{n}\n{' '.join(str(rng.randint(1, 9)) for _ in range(n))}\n", "random/uniform"))
        self.drawn += len(out)
        return out

    def valid(self, texts: list[str]) -> list[str]:
        def ok(text: str) -> bool:
            lines = text.split("\n")
            numbers = lines[1].split() if len(lines) > 1 else []
            return lines[0].isdigit() and int(lines[0]) == len(numbers) and all(x.isdigit() and 1 <= int(x) <= 9 for x in numbers)

        return [t for t in texts if ok(t)]

    def label(self, texts: list[str]) -> dict[str, str]:
        return {t: str(max(map(int, t.split()[1:]))) for t in texts}

    def attack(self, labelled: dict[str, str]) -> dict[str, tuple[frozenset[str], float]]:
        out = {}
        for text in labelled:
            values = list(map(int, text.split()[1:]))
            broken = {"sorted"} if len(values) >= 5 and values == sorted(values) and len(set(values)) > 1 else set()
            heat = len(values) / 6
            out[text] = (frozenset(broken | ({"slow"} if heat >= 1 else set())), heat)
        return out

    def runs_per_input(self) -> int:
        return 3


def test_the_search_climbs_to_inputs_that_break_what_random_draws_miss() -> None:
    hooks = _ModelHooks()
    start = [_scored("5\n3 1 4 1 5\n", set(), 5 / 6), _scored("2\n2 7\n", set(), 2 / 6)]
    report = SearchReport()
    found = search(hooks, start, {"sorted", "slow"}, SearchOptions(seconds=600, runs=3000), random.Random(5), report)
    assert report.broken == {"sorted", "slow"} and report.stopped == "every target broken"
    assert report.runs <= 3000 and report.moves  # what broke something new is on record, by the way it came
    chosen, cover = choose_tests(found, keep=5)
    assert cover <= 2 and {g for t in chosen for g in t.broken} == {"sorted", "slow"}
    starved = SearchReport()
    search(_ModelHooks(), start, {"never"}, SearchOptions(seconds=600, runs=60), random.Random(5), starved)
    assert starved.stopped == "run budget spent" and starved.runs <= 60


# "Print the largest of n integers" (as test_execution's problem), with wrong solutions only unusual inputs expose.
_CORRECT = "input()\nprint(max(map(int, input().split())))\n"
_WRONG = {
    "w4": "input()\nxs = list(map(int, input().split()))\nprint(xs[-1] if len(xs) >= 4 and xs == sorted(xs, reverse=True) "
    "else max(xs))\n",  # wrong on a long decreasing line
    "w6": "input()\nxs = list(map(int, input().split()))\nprint(0 if len(xs) >= 4 and len(set(xs)) == 1 else max(xs))\n",
    "w0": "input()\nxs = list(map(int, input().split()))\nprint(max(xs[1:]) if len(xs) > 5 else max(xs))\n",
}
_VALIDATOR = "INT(1, 8, n) NEWLINE\nREPI(i, n, SPACE)\n  INT(-100, 100)\nEND\nNEWLINE\nEOF\n"


@pytest.mark.skipif(not language_supported(Language.python3), reason="python3 is not runnable in the sandbox")
def test_gen_tests_search_breaks_its_guides_keeps_a_small_valid_set_and_leaves_the_held_out_half_alone(
    sqlite_store: Store, tmp_path: Path
) -> None:
    assert [is_guide(_submission(n)) for n in (4, 6, 0)] == [True, True, False]  # the split this test relies on
    entities: list[object] = [f.contest("2000"), f.problem("2000", "A", statement="Print the largest.", time_limit_ms=2000)]
    entities += [f.test_case("2000", "A", 0, input="3\n1 5 2\n", output="5\n")]
    entities += [f.submission(f"c{n}", "2000", "A", language_raw="Python 3", source_code=_CORRECT + "#" * n) for n in range(2)]
    entities += [f.submission(name, "2000", "A", language_raw="Python 3", verdict_raw="WRONG_ANSWER", source_code=code)
                 for name, code in _WRONG.items()]  # fmt: skip
    sqlite_store.ingest(entities)  # type: ignore[arg-type]
    sqlite_store.write_programs([ProblemProgram(site=Site.codeforces, contest_id="2000", index="A", role="input_validator",
                                                name="v.ctd", language="checktestdata", files={"v.ctd": _VALIDATOR},
                                                entry="v.ctd")])  # fmt: skip
    executor = LocalExecutor(2)
    options = GenerateOptions(min_agree=2, max_tests=2, budget_seconds=600, seed=3,
                              search=SearchOptions(seconds=600, runs=3000, keep=6))  # fmt: skip
    summary = generate_tests(sqlite_store, options=options, executor=executor)
    found = summary.searched["codeforces/2000/A"]
    assert (found["guides"], found["held_out"], found["targets"]) == (2, 1, 2)
    assert found["broken"] == 2 and found["stopped"] == "every target broken" and found["kept"] <= 6
    tests = [
        t for t in sqlite_store.tests_for([("codeforces", "2000", "A")])[("codeforces", "2000", "A")] if t.kind == "generated"
    ]
    assert 1 <= len(tests) <= 6 and any(t.generator == "search" for t in tests)
    for test in tests:  # valid by the validator and answered right
        numbers = list(map(int, (test.input or "").split()))
        assert 1 <= numbers[0] == len(numbers) - 1 <= 8 and all(-100 <= x <= 100 for x in numbers[1:])
        assert (test.output or "").split() == [str(max(numbers[1:]))]
    verify(sqlite_store, executor=executor)
    outcomes = dict(sqlite_store.run_sql("SELECT submission_id, outcome FROM verification")[1])
    assert outcomes["w4"] != "ok" and outcomes["w6"] != "ok" and outcomes["c0"] == outcomes["c1"] == "ok"
    # a second run replays from the results cache: the same final set
    again = generate_tests(sqlite_store, options=options, executor=executor)
    assert again.searched["codeforces/2000/A"]["targets"] == 2
    # the export says what the tests are worth at each stage, and on the held-out half apart
    result = export_codecontests(sqlite_store, tmp_path / "out", curation=CurationOptions())
    measured = json.loads((tmp_path / "out" / "test_strength.json").read_text())["codeforces/2000/A"]
    assert measured["held_out_split"] == "2 guides, 1 held out"
    stages = measured["by_stage"]
    assert stages["samples_only"]["fp_rate"] == 1.0  # the one sample catches none of the three
    assert stages["samples_and_generated"]["held_out_incorrect"] == 1
    held_out_passes = outcomes["w0"] == "ok"  # the guides are broken: only the held-out one may pass
    assert stages["samples_and_generated"]["fp_rate"] == round(held_out_passes / 3, 4)
    assert stages["samples_and_generated"]["fp_rate_held_out"] == float(held_out_passes)
    assert stages["every_test"]["tpr"] == 1.0
    assert measured["generated_tests_searched"] == sum(t.generator == "search" for t in tests)
    card = (tmp_path / "out" / "README.md").read_text()
    assert "## Test strength" in card and "FP held out" in card
    assert result.manifest["curation"]["test_strength"]["overall"]["by_stage"]["samples_only"]["incorrect"] == 3
