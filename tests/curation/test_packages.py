"""Jury packages as a source and as ground truth: the real ICPC packages in ../shared/icpc-packages (skipped when
absent), however many there are. Import, validators, checkers and the checktestdata generator on the jury's own data.
The whole folder is imported once per module; rates over every package are measured in ``bench/strength``."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cpdata.cli import app
from cpdata.curation.formats.package import import_packages, latex_to_markdown
from cpdata.curation.judging.checkers import InputValidators, Judge, known_validity
from cpdata.curation.judging.judge import ValidatorFlags, outputs_match
from cpdata.curation.testgen.ctdgen import Script, TooLarge, UnsupportedScript, parse_script
from cpdata.schema import Problem, Site, Store, TestKind
from tests.conftest import ROOT
from tests.curation.test_sandbox import SANDBOX

PACKAGES = ROOT.parent / "shared" / "icpc-packages"


@pytest.fixture(scope="module")
def packages() -> Path:
    if not PACKAGES.is_dir():
        pytest.skip(f"{PACKAGES} is absent: the real jury packages are only beside the project in development and CI")
    return PACKAGES


@pytest.fixture(scope="module")
def imported(packages: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Every package, imported once for the module's tests (none of them changes the store)."""
    store = Store(tmp_path_factory.mktemp("packages") / "s.sqlite")
    report = import_packages(store, [packages])
    assert not report.errors, report.errors
    return store


def _package_dirs(packages: Path) -> list[Path]:
    return sorted(p for p in packages.iterdir() if (p / "problem.yaml").is_file())


def _problem(store: Store, index: str) -> Problem:
    return next(p for batch in store.iter_problem_batches() for p, _ in batch if p.index == index)


def test_every_package_is_imported_with_what_the_jury_has(imported: Store, packages: Path) -> None:
    assert imported.count("problem") == len(_package_dirs(packages))
    waldo = _problem(imported, "lookingforwaldo")
    assert waldo.site is Site.package and waldo.name == "Looking for Waldo" and waldo.validation == "default"
    assert waldo.statement is not None and "## Input" in waldo.statement and "$h\\cdot{}w \\leq 10^5)$" in waldo.statement
    tests = imported.tests_for([waldo.key])[waldo.key]
    assert sum(t.kind is TestKind.private for t in tests) == len(list((packages / "lookingforwaldo/data/secret").glob("*.in")))
    assert all(t.output is not None for t in tests)
    highway = _problem(imported, "highwaycombinatorics")
    assert highway.time_limit_ms == 3000 and highway.validation == "custom"
    roles = {(p.role, p.language) for p in imported.programs_for(highway.key)}
    assert roles == {("input_validator", "checktestdata"), ("output_validator", "cpp")}
    assert _problem(imported, "diabolicdoofenshmirtz").interactive is True
    verdicts = dict(imported.run_sql("SELECT verdict_raw, COUNT(*) FROM submission GROUP BY 1")[1])
    from cpdata.curation.formats.package import read_package

    accepted_on_disk = sum(1 for f in packages.glob("*/submissions/accepted/*") if f.is_file() and not f.name.startswith("."))
    left_out = [  # a language the sandbox has no toolchain recipe for: reported, never silently dropped
        note for package in _package_dirs(packages) for note in read_package(package).notes
        if note.startswith("submissions/accepted/") and note.endswith("unknown language, left out")
    ]  # fmt: skip
    assert verdicts["accepted"] + len(left_out) == accepted_on_disk
    correctness = dict(imported.run_sql("SELECT verdict_raw, MAX(is_correct) FROM submission GROUP BY 1")[1])
    assert correctness["accepted"] == 1 and correctness["wrong_answer"] == 0 and correctness["time_limit_exceeded"] == 0
    assert correctness["mixed"] is None


def test_python_2_jury_solutions_are_told_from_python_3_ones(imported: Store, packages: Path) -> None:
    """Older packages hold Python 2 solutions (``print x``, ``lambda (t, b):``, ``raw_input()``): run under Python 3
    they crash, which counted correct solutions as failing. Each ``.py`` is read as the version it is written in."""
    from cpdata.curation.formats.package import read_package

    language = {  # "<package>/<verdict folder>/<file>": the language the import gave it
        f"{package.name}/{'/'.join(str(s.submission_id).split('/')[-2:])}": str(s.language)
        for package in _package_dirs(packages) for s in read_package(package).submissions
        if str(s.submission_id).endswith(".py")
    }  # fmt: skip
    verdict_folders = {"accepted", "wrong_answer", "time_limit_exceeded", "run_time_error", "memory_limit_exceeded",
                       "output_limit_exceeded", "rejected", "partially_accepted", "mixed"}  # fmt: skip
    on_disk = {
        str(f.relative_to(packages)).replace("/submissions/", "/")
        for f in packages.glob("*/submissions/*/*.py") if f.parent.name in verdict_folders
    }  # fmt: skip
    assert set(language) == on_disk
    stored = dict(imported.run_sql("SELECT language, COUNT(*) FROM submission WHERE submission_id LIKE '%.py' GROUP BY 1")[1])
    assert stored.get("python2") == sum(lang == "python2" for lang in language.values())
    assert language["brentering/accepted/gregor.py"] == "python2"  # parses as Python 3, but calls raw_input()
    assert language["intergalacticbidding/accepted/per.py"] == "python2"  # lambda (t, b): ...
    assert language["kingscolors/accepted/torstein.py"] == "python2"  # #!/usr/bin/env python2
    python3_sources = [packages / sid.replace("/", "/submissions/", 1) for sid, lang in language.items() if lang == "python3"]
    assert python3_sources, "every Python solution was read as Python 2"
    for path in python3_sources:  # what is called Python 3 is at least Python 3 to the parser
        compile(path.read_text(encoding="utf-8", errors="replace"), str(path), "exec")


def test_import_is_idempotent(imported: Store, packages: Path) -> None:
    before = {t: imported.count(t) for t in ("problem", "test", "submission", "problem_program")}
    import_packages(imported, [packages])
    assert {t: imported.count(t) for t in before} == before


def test_the_jury_validators_accept_every_official_input_and_reject_broken_ones(imported: Store) -> None:
    for index in ("lookingforwaldo", "infinityissues", "highqualitytree"):
        problem = _problem(imported, index)
        validators = InputValidators.for_problem(imported, SANDBOX, problem)
        assert validators is not None
        inputs = [t.input or "" for t in imported.tests_for([problem.key])[problem.key]]
        try:
            assert all(validators.check(inputs)), index
            broken = [inputs[0].replace("\n", " ", 1), "0 0\n", inputs[0] + "extra\n"]
            assert validators.check(broken) == [False, False, False], index
        finally:
            validators.close()


def test_a_jury_checker_judges_outputs_and_its_verdicts_are_cached(imported: Store) -> None:
    problem = _problem(imported, "infinityissues")
    judge = Judge.for_problem(imported, problem, SANDBOX)
    assert judge.checker is not None
    test = next(t for t in imported.tests_for([problem.key])[problem.key] if t.kind is TestKind.public)
    triples = [(test.input or "", test.output or "", test.output or ""), (test.input or "", test.output or "", "garbage\n")]
    try:
        assert judge.accepts(triples) == [True, False]
    finally:
        judge.close()
    assert Judge.for_problem(imported, problem).known(triples) == [True, False]  # no sandbox: from the cache


def test_the_kattis_default_comparison_and_its_flags() -> None:
    assert outputs_match("YES\n", "yes", "tokens") and not outputs_match("YES", "yes", "tokens", "case_sensitive")
    assert outputs_match("1.0001", "1.0", "tokens", "float_tolerance 1e-3") and not outputs_match("1.0001", "1.0", "tokens")
    assert not outputs_match("1  2", "1 2", "tokens", "space_change_sensitive") and outputs_match("1  2", "1 2", "tokens")
    assert ValidatorFlags.parse("float_relative_tolerance 1e-6").relative_tolerance == 1e-6


def _draw(script: Script, rng: random.Random, profile: str) -> str:
    """As gen-tests draws: a draw over the size budget is drawn again."""
    for _ in range(50):
        try:
            return script.generate(rng, profile)
        except TooLarge:
            continue
    raise AssertionError("50 draws in a row over the size budget")


def test_the_largest_draw_meets_an_asserted_product_and_a_draw_over_the_budget_is_refused(imported: Store) -> None:
    # Waldo: h, w <= 10^5 with h*w <= 10^5 asserted; the largest h with the largest w would be 10^10 characters
    problem = _problem(imported, "lookingforwaldo")
    program = next(p for p in imported.programs_for(problem.key) if p.language == "checktestdata")
    script = parse_script(program.files[program.entry])
    rng = random.Random(1)
    for profile in ("max", "max/uniform", "max/few", "max/skewed"):
        lines = script.generate(rng, profile).split("\n")
        h, w = map(int, lines[0].split())
        assert h * w <= 100_000 and h * (w + 1) > 100_000  # as large as the assertion allows, not refused
        assert len(lines) == h + 2 and all(len(line) == w for line in lines[1:-1])
    unbounded = parse_script('INT(1,100000,h) SPACE INT(1,100000,w) NEWLINE REP(h) REGEX("[A-Z]+", s) NEWLINE '
                             "ASSERT(STRLEN(s)==w) END EOF")  # fmt: skip
    with pytest.raises(TooLarge):
        unbounded.generate(random.Random(1), "max")


def test_profiles_draw_sizes_and_values_apart() -> None:
    script = parse_script("INT(1, 1000, n) SPACE INT(1, 1000000, w) NEWLINE REPI(i, n, SPACE) INT(1, w) END NEWLINE "
                          'REGEX("[a-z]+", s) ASSERT(STRLEN(s) == n) NEWLINE EOF')  # fmt: skip
    rng = random.Random(3)

    def drawn(profile: str) -> tuple[int, int, list[int], str]:
        first, values, text, _ = script.generate(rng, profile).split("\n")
        n, w = map(int, first.split())
        return n, w, [int(v) for v in values.split()], text

    n, w, values, text = drawn("max/few")
    assert n == 1000 and w == 1_000_000  # sizes (a count, another integer's bound) at their largest
    assert len(values) == 1000 and 1 <= len(set(values)) <= 3 and 2 <= len(set(text)) <= 3
    n, w, values, text = drawn("max/high")
    assert set(values) == {w} and text == "z" * n
    n, w, values, text = drawn("max/skewed")
    assert n == 1000 and len(set(text)) < 26 and max(text.count(c) for c in set(text)) > 900
    n, w, values, text = drawn("max/uniform")
    assert len(set(values)) > 900 and len(set(text)) > 20  # uniform values: nearly all distinct
    n, w, values, text = drawn("min")
    assert (n, w, values, text) == (1, 1, [1], "a")
    n, *_ = drawn("small/uniform")
    assert n <= 11
    with pytest.raises(ValueError, match="unknown profile"):
        script.generate(rng, "huge/uniform")


@pytest.mark.parametrize(
    "index", ["brickwork", "highwaycombinatorics", "infinityissues", "lookingforwaldo", "diabolicdoofenshmirtz"]
)
def test_the_jury_checktestdata_scripts_generate_inputs_their_validator_accepts(imported: Store, index: str) -> None:
    problem = _problem(imported, index)
    program = next(p for p in imported.programs_for(problem.key) if p.language == "checktestdata")
    script = parse_script(program.files[program.entry])
    rng = random.Random(5)
    inputs = [_draw(script, rng, profile) for profile in ("min", "small", "random", "random", "random")]
    validators = InputValidators.for_problem(imported, SANDBOX, problem)
    assert validators is not None
    try:
        verdicts = validators.check(inputs)
    finally:
        validators.close()
    assert verdicts[0] is True and verdicts[1] is True  # the smallest inputs always hold
    assert sum(v is True for v in verdicts) >= 3  # random sizes mostly do; the validator drops the rest
    with pytest.raises(UnsupportedScript):
        parse_script('WHILE(!MATCH("\\n")) CHAR END')


def test_latex_statements_become_markdown() -> None:
    tex = (
        "\\problemname{X}\nA \\emph{word} and \\texttt{code}.\n"
        "\\begin{Input}\n\\begin{itemize}\n\\item $n$ ($1\\leq n$)\n\\end{itemize}\n\\end{Input}"
    )
    text = latex_to_markdown(tex, "X")
    assert (
        text.startswith("# X") and "*word*" in text and "`code`" in text and "## Input" in text and "- $n$ ($1\\leq n$)" in text
    )


def test_cli_imports_packages_and_shows_a_specification(packages: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite")
    result = CliRunner().invoke(
        app, ["import", "package", str(packages), "--db", db, "--json", "--no-generators", "--no-calibrate"]
    )
    assert result.exit_code == 0, result.output
    shown = CliRunner().invoke(app, ["spec", "package/winter-contest-2023/infinityissues", "--db", db, "--json"])
    assert shown.exit_code == 0 and "REGEX" in shown.stdout


def test_validate_reports_an_official_test_its_own_validator_rejects(packages: Path, tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite"
    assert (
        CliRunner()
        .invoke(app, ["import", "package", str(packages / "lookingforwaldo"), "--db", str(db), "--no-calibrate"])
        .exit_code
        == 0
    )
    clean = CliRunner().invoke(app, ["validate", "--db", str(db), "--json"])
    assert clean.exit_code == 0, clean.output
    store = Store(db)
    key = ("package", _problem(store, "lookingforwaldo").contest_id, "lookingforwaldo")
    with store.engine.begin() as conn:  # a broken official test, as a jury might ship one: an extra token
        conn.execute(
            text(
                "UPDATE test SET input = input || 'extra' "
                "WHERE contest_id = :c AND \"index\" = :i AND kind = 'private' AND ordinal = 3"
            ),
            {"c": key[1], "i": key[2]},
        )
    found = CliRunner().invoke(app, ["validate", "--db", str(db), "--json"])
    assert found.exit_code == 1
    report = json.loads(found.stdout)["problems"]["/".join(key)]
    assert report["invalid"] == ["private#3"] and report["valid"]["private"] == report["checked"]["private"] - 1
    # verdicts are cached: the export reads them without running anything
    problem = _problem(store, "lookingforwaldo")
    inputs = [t.input or "" for t in store.tests_for([problem.key])[problem.key]]
    verdicts = known_validity(store, problem, [*inputs, "never checked\n"])
    assert verdicts is not None and verdicts.count(False) == 1 and verdicts.count(True) == len(inputs) - 1
    assert verdicts[-1] is None


def test_an_interactive_problem_runs_with_its_interactor_and_judges_like_the_jury(packages: Path, tmp_path: Path) -> None:
    from cpdata.curation.judging.judge import LocalExecutor
    from cpdata.curation.judging.verify import verify

    store = Store(tmp_path / "s.sqlite")
    import_packages(store, [packages / "diabolicdoofenshmirtz"])
    summary = verify(store, executor=LocalExecutor(2, SANDBOX))
    assert summary.sandbox_errors == 0 and summary.interactive == {}
    rows = store.run_sql(
        "SELECT s.submission_id, s.is_correct, v.outcome, v.first_failure FROM verification v "
        "JOIN submission s ON s.site = v.site AND s.submission_id = v.submission_id"
    )[1]
    assert len(rows) == summary.solutions == 20
    # Every jury-accepted solution (C++, Java, Python) passes the samples through the jury's interactor ...
    assert {outcome for _, correct, outcome, _ in rows if correct} == {"ok"}
    # ... and the wrong ones the samples can catch are caught, with the interactor's own message.
    caught = {sid.rsplit("/", 1)[1]: (outcome, first) for sid, correct, outcome, first in rows if not correct and outcome != "ok"}
    assert {"42.cpp", "mzuenni.cpp", "mzuenni6.cpp", "mzuenni_garbage.cpp", "mzuenni_wrong_type.cpp"} <= set(caught)
    assert caught["mzuenni6.cpp"] == ("wrong_answer", "public test 0: wrong_answer (Wrong answer: wrong lap length)")
    assert caught["mzuenni_wrong_type.cpp"][0] == "wrong_answer"  # killed by SIGPIPE after the interactor said no
    # The runs are cached under the interactor: a second verify runs nothing and says the same.
    again = verify(store, executor=LocalExecutor(2, SANDBOX))
    assert again.ran == 0 and (again.agree, again.disagree) == (summary.agree, summary.disagree)


def test_an_interactive_problem_gets_generated_tests_its_interactor_judges(packages: Path, tmp_path: Path) -> None:
    from cpdata.curation.judging.judge import LocalExecutor
    from cpdata.curation.judging.verify import verify
    from cpdata.curation.testgen.generate import GenerateOptions, generate_tests

    store = Store(tmp_path / "s.sqlite")
    import_packages(store, [packages / "diabolicdoofenshmirtz"])  # samples only: 42 and 1337
    executor = LocalExecutor(2, SANDBOX)
    options = GenerateOptions(min_agree=3, max_tests=12, budget_seconds=120, seed=4)
    summary = generate_tests(store, options=options, executor=executor)
    assert summary.interactive == {} and summary.generated == 12, summary.as_dict()
    generated = store.run_sql("SELECT input, output FROM test WHERE kind = 'generated'")[1]
    assert len(generated) == 12 and {output for _, output in generated} == {""}  # the interactor reads no answer
    problem = _problem(store, "diabolicdoofenshmirtz")
    validators = InputValidators.for_problem(store, SANDBOX, problem)
    assert validators is not None
    try:
        assert validators.check([text for text, _ in generated]) == [True] * 12
    finally:
        validators.close()
    verify(store, executor=executor)
    rows = store.run_sql(
        "SELECT s.is_correct, v.outcome FROM verification v "
        "JOIN submission s ON s.site = v.site AND s.submission_id = v.submission_id"
    )[1]
    assert {outcome for correct, outcome in rows if correct} == {"ok"}  # every jury-accepted solution passes them
    caught = sum(1 for correct, outcome in rows if not correct and outcome != "ok")
    assert caught > 5, caught  # the samples alone catch 5 of the 10 wrong solutions


def test_an_interactive_verdict_follows_a_judge() -> None:
    from cpdata.curation.judging.interactive import verdict
    from cpdata.curation.sandbox.sandbox import RunResult, RunStatus

    ok, wa = RunResult(RunStatus.runtime_error, exit_code=42), RunResult(RunStatus.runtime_error, exit_code=43, stderr="no")
    assert verdict(RunResult(RunStatus.ok, exit_code=0), ok).status is RunStatus.ok
    assert verdict(RunResult(RunStatus.ok, exit_code=0), wa).status is RunStatus.wrong_answer
    assert verdict(RunResult(RunStatus.time_limit), wa).status is RunStatus.time_limit  # its own failure first
    assert verdict(RunResult(RunStatus.runtime_error, exit_code=-13), wa).status is RunStatus.wrong_answer  # SIGPIPE
    crashed = verdict(RunResult(RunStatus.ok, exit_code=0), RunResult(RunStatus.runtime_error, exit_code=-11))
    assert crashed.status is RunStatus.sandbox_error and "interactor failed" in crashed.detail  # no verdict, not cached


def test_the_jury_generators_remake_the_committed_secret_tests(packages: Path) -> None:
    # highwaycombinatorics commits its 79 secret tests and the recipe that made them: the recipe run here makes as
    # many, the unseeded ones byte for byte (answers included), and the jury's validator accepts every one.
    from cpdata.curation.formats.package import read_package
    from cpdata.curation.testgen.jurygen import generate_jury_tests

    package = packages / "highwaycombinatorics"
    read = read_package(package)
    committed = {(t.input, t.output) for t in read.tests if t.kind is TestKind.private}
    made = generate_jury_tests(SANDBOX, package, read.problem)
    assert made.failed == [] and len(made.tests) == len(committed) == 79
    unseeded = [t for t in made.tests if "random" not in (t.generator_args or "")]  # the recipe seeds only these
    assert len(unseeded) >= 29 and all((t.input, t.output) in committed for t in unseeded)
    assert all(t.origin.value == "official" and t.generator == "eval.py" for t in made.tests)
    assert [t.ordinal for t in made.tests] == list(range(79))
    store = Store(":memory:")
    store.write([read.contest, read.problem])
    store.write_programs(read.programs)
    validators = InputValidators.for_problem(store, SANDBOX, read.problem)
    assert validators is not None
    try:
        assert all(validators.check([t.input or "" for t in made.tests]))
    finally:
        validators.close()


def test_import_makes_the_secret_tests_a_package_ships_as_generators_once(packages: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    package = str(packages / "diabolicdoofenshmirtz")  # only generators/generators.yaml: 100 secret tests
    first = CliRunner().invoke(app, ["import", "package", package, "--db", db, "--json", "--no-calibrate"])
    assert first.exit_code == 0, first.output
    notes = json.loads(first.stdout)["packages"][0]["notes"]
    assert "100 secret tests made by the jury's generators (generators/generators.yaml)" in notes
    store = Store(db)
    rows = store.run_sql("SELECT input, output, origin, generator, generator_args FROM test WHERE kind = 'private'")[1]
    assert len(rows) == 100 and {r[2] for r in rows} == {"official"} and {r[1] for r in rows} == {""}  # interactive
    assert ("1\n", "", "official", "stdout.py", "secret/001-1: 1") in rows
    again = CliRunner().invoke(app, ["import", "package", package, "--db", db, "--json", "--no-calibrate"])
    assert (
        "100 secret tests made by the jury's generators on an earlier import, kept"
        in json.loads(again.stdout)["packages"][0]["notes"]
    )
    assert store.count("test") == 102
    bare = CliRunner().invoke(
        app, ["import", "package", package, "--db", str(tmp_path / "bare.sqlite"), "--no-generators", "--no-calibrate"]
    )
    assert bare.exit_code == 0 and Store(tmp_path / "bare.sqlite").count("test") == 2  # the samples only


def test_import_calibrates_the_time_limit_by_the_jurys_rule_on_this_machine(packages: Path, tmp_path: Path) -> None:
    from cpdata.curation.judging.judge import limits_for

    db = str(tmp_path / "s.sqlite")
    result = CliRunner().invoke(app, ["import", "package", str(packages / "infinityissues"), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    package = json.loads(result.stdout)["packages"][0]
    calibrated = package["calibrated_time_limit_ms"]
    note = next(n for n in package["notes"] if n.startswith("time limit "))
    slowest = int(note.split(" x ")[1].split(" ms")[0])
    # the jury's rule: the multiplier (2: the package names none) times the slowest accepted submission, in 100 ms
    assert calibrated == max(500, -(-2 * slowest // 100) * 100) and "8 accepted submissions" in note
    problem = _problem(Store(db), "infinityissues")
    assert problem.calibrated_time_limit_ms == calibrated and problem.time_limit_ms == 1000  # the official one is kept
    assert limits_for(problem, time_factor=2.0).time_ms == calibrated  # runs use it as measured, unscaled
    bare = CliRunner().invoke(app, ["import", "package", str(packages / "infinityissues"), "--db", str(tmp_path / "b.sqlite"),
                                    "--no-calibrate"])  # fmt: skip
    assert bare.exit_code == 0 and _problem(Store(tmp_path / "b.sqlite"), "infinityissues").calibrated_time_limit_ms is None


def test_packages_of_the_2023_07_and_2025_09_formats_keep_their_statement_type_constants_and_includes(packages: Path) -> None:
    """The newer format moved things: ``statement/`` (LaTeX or Markdown), ``type: interactive``, a singular
    ``output_validator/``, ``source: {name, url}``, ``constants`` written ``{{name}}`` and ``include/`` files. Read as
    the legacy format, maximal lost its statement and checker, guess was judged as a batch problem, and the contest
    was named after a Python dict."""
    from cpdata.curation.formats.package import read_package

    maximal = read_package(packages / "maximal")
    assert maximal.contest.contest_id == "my-contest-2024" and maximal.problem.url == "https://my.contest.com/2024"
    statement = maximal.problem.statement or ""
    assert "## Input" in statement and "$N \\pm 1$" in statement and "{{" not in statement  # the constant, substituted
    assert maximal.problem.validation == "custom"
    programs = {(p.role, p.name): p for p in maximal.programs}
    checker = programs["output_validator", "output_validator"]
    assert checker.entry == "validator.py" and "== 1:" in checker.files["validator.py"]
    assert programs["include", "python3"].files == {"include.py": "magic_constant = 1\n"}
    assert programs["include", "default"].language == "any" and programs["include", "default"].files["data.txt"].strip() == "1"
    guess = read_package(packages / "guess")
    assert guess.problem.interactive and guess.problem.validation == "custom interactive"
    # its output_validator/ holds a program's folder, as the legacy format's did: the program is the folder's
    interactor = next(p for p in guess.programs if p.role == "interactor")
    assert (interactor.name, interactor.entry, sorted(interactor.files)) == (
        "guess_validator",
        "validate.cc",
        ["validate.cc", "validate.h"],
    )
    assert guess.problem.statement_language == "en" and "between $1$ and $1000$" in (guess.problem.statement or "")
    scoring = read_package(packages / "scoring")
    assert {s.verdict_raw: s.is_correct for s in scoring.submissions}.get("partially_accepted") is False


def test_a_jury_solution_that_reads_the_packages_included_files_passes(packages: Path, tmp_path: Path) -> None:
    """maximal's accepted.py does ``import include`` (``include/python3/include.py``): without the package's included
    files beside it, every run crashed and a correct solution counted as failing."""
    from cpdata.curation.judging.judge import LocalExecutor
    from cpdata.curation.judging.verify import verify

    store = Store(tmp_path / "s.sqlite")
    import_packages(store, [packages / "maximal"])
    summary = verify(store, executor=LocalExecutor(2, SANDBOX))
    assert summary.sandbox_errors == 0
    rows = dict(store.run_sql(
        "SELECT s.submission_id, v.outcome FROM verification v "
        "JOIN submission s ON s.site = v.site AND s.submission_id = v.submission_id"
    )[1])  # fmt: skip
    outcomes = {sid.split("/", 1)[1]: outcome for sid, outcome in rows.items()}
    assert outcomes["accepted/accepted.py"] == "ok"  # passes the jury's checker with the constant substituted
    assert outcomes["wrong_answer/wrong.py"] == "wrong_answer"
