"""``cpdata gen-tests``: generated tests, as CodeContests made them (paper section 3.2.1) and stronger.

Candidates come from the problem's specification (``ctdgen``: the largest inputs its assertions allow and small
ones, with values drawn several ways) and from mutations of known inputs, keeping their shape (integers +-1 and other
small changes, bit flips in binary strings, swapped and changed characters). Only candidates the problem's validator
accepts are run; one is kept with its output only when the correct solutions all finish within the time limit's
margin and agree under the problem's checker (at least ``min_agree`` of them; fewer, with a warning, when a problem
has fewer). Interactive problems keep the inputs their interactor accepts from every voter. At most ``max_tests``
per problem within a time budget. Hack inputs, whose outputs are unknown, get outputs the same way. Every run goes
through the results cache, so a second run (or one after Ctrl-C) redoes nothing.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from cpdata.curation.judging.checkers import CheckerUnavailable, InputValidators, Judge
from cpdata.curation.judging.judge import (
    Executor,
    Job,
    LocalExecutor,
    Outcome,
    ResultCache,
    limits_for,
    submission_key,
)
from cpdata.curation.judging.verify import problems_with_tests
from cpdata.curation.sandbox.sandbox import RunStatus, Sandbox
from cpdata.curation.testgen.ctdgen import Script, TooLarge, UnsupportedScript, parse_script
from cpdata.curation.testgen.draw import SpecGenerator
from cpdata.curation.testgen.mutation import mutate
from cpdata.curation.testgen.search import Scored, SearchOptions, SearchReport, choose_tests, is_guide, search
from cpdata.curation.testgen.spec import canonical, infer_spec
from cpdata.curation.testgen.specification import Specification
from cpdata.schema import Problem, Store, Submission, Test, TestKind, TestOrigin
from cpdata.schema.models import INFERRED_SPECIFICATION

__all__ = ["GenerateOptions", "GenerateSummary", "generate_tests", "mutate"]

_EXHAUSTED = Script([])  # a generator no longer drawn from
_PATIENCE = 40  # candidates a script may have rejected, all of them, before it is no longer drawn from
# How candidates are drawn from a specification, in turn: mostly the largest inputs allowed (they expose too-slow
# solutions and overflow) with their values drawn several ways, and small and smallest ones (edge cases).
_PROFILES = (
    "max/uniform",
    "max/few",
    "min",
    "random/uniform",
    "max/skewed",
    "small/small",
    "max/mixed",
    "max/high",
    "random/spread",
    "small/uniform",
    "random/few",
    "max/low",
    "random/mixed",
    "small/few",
    "max/spread",
    "max/special",
    "random/special",
)


@dataclass
class GenerateOptions:
    min_agree: int = 30
    max_tests: int = 200
    budget_seconds: float = 60.0
    candidates_per_round: int = 20
    time_factor: float = 2.0
    seed: int = 0
    unvalidated: bool = False
    """Where no validator or specification exists, generate from mutations of the known inputs anyway, keep what
    every correct solution agrees on, and mark those tests ``validated_by: none`` (AlphaCode's way; off by default)."""
    search: SearchOptions | None = None
    """After drawing, search for inputs that break the problem's guide half of its incorrect solutions, and keep a
    set cover of the pool (``search``); None: drawn tests only."""


@dataclass
class GenerateSummary:
    problems: int = 0
    generated: int = 0
    hack_outputs: int = 0
    candidates: int = 0
    valid_candidates: int = 0
    """Candidates the problem's validator accepted (only these are run; only agreed ones among them are kept)."""
    rejected: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    per_problem: dict[str, int] = field(default_factory=dict)
    no_spec: dict[str, str] = field(default_factory=dict)
    """Problems with no validator and no inferable specification: nothing generated, and why."""
    inferred: dict[str, str] = field(default_factory=dict)
    """Problems whose input specification was inferred here (stored; ``cpdata spec`` shows it)."""
    narrow: dict[str, str] = field(default_factory=dict)
    """Problems whose inferred specification bounds some value by the known inputs' range (the statement states
    none): valid tests, but no larger than the samples there."""
    generator_specification: dict[str, str] = field(default_factory=dict)
    """Problems whose jury validator is a program: the structure inferred to propose inputs (not stored)."""
    validator_replaced: dict[str, str] = field(default_factory=dict)
    """Problems whose jury validator does not build or run here, generated from their statement instead."""
    mutations_only: dict[str, str] = field(default_factory=dict)
    """Problems with a validator but nothing to draw from (a jury script outside what is drawn): small tests only."""
    unvalidated: dict[str, int] = field(default_factory=dict)
    """Problems given tests by ``--unvalidated``: how many, none of them validated."""
    not_compiling: list[str] = field(default_factory=list)
    voter_failures: int = 0
    interactive: Counter[str] = field(default_factory=Counter)
    searched: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per problem the search ran on: guides, held-out, targets, broken, runs, tests kept (``SearchReport``)."""
    not_searched: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "problems": self.problems,
            "generated": self.generated,
            "hack_outputs": self.hack_outputs,
            "candidates": self.candidates,
            "valid_candidates": self.valid_candidates,
            "rejected": dict(self.rejected),
            "warnings": self.warnings,
            "per_problem": self.per_problem,
            "no_specification": self.no_spec,
            "inferred_specification": self.inferred,
            "inferred_with_bounds_from_the_inputs": self.narrow,
            "inferred_for_generation_only": self.generator_specification,
            "jury_validator_replaced_by_the_statement": self.validator_replaced,
            "mutations_only": self.mutations_only,
            "unvalidated_tests": self.unvalidated,
            "correct_but_not_compiling_here": self.not_compiling,
            "correct_solutions_failing_valid_inputs": self.voter_failures,
            "interactive_skipped": sum(self.interactive.values()),
            "searched": self.searched,
            "not_searched": self.not_searched,
        }


def _agreed(
    input_text: str, outcomes: list[Outcome | None], judge: Judge, summary: GenerateSummary, *, strict: bool = True
) -> str | None:
    """The answer for an input when the voters agree under the problem's judge (its checker, or its comparison:
    lenient problems agree leniently).

    A generated input (``strict``) is kept only when every voter finishes: a correct solution that crashes or runs
    out of time on it says the input is outside what the problem means, more often than not (the real infinityissues
    validator accepts an empty word that its statement forbids, and a jury solution crashes on it), so the input
    goes, counted, and the solution stays a voter. A hack input (a real one a site accepted) may break some accepted
    solutions: those are reported and left out of its vote, as long as two thirds of the voters (and two) finish."""
    finished = [o for o in outcomes if o is not None and o.status == RunStatus.ok.value and o.output is not None]
    failed = len(outcomes) - len(finished)
    if failed:
        summary.voter_failures += failed
        if strict:
            summary.rejected["a correct solution fails on it"] += 1
            return None
    if not finished or len(finished) < max(1, min(2, len(outcomes))) or 3 * len(finished) < 2 * len(outcomes):
        return None
    answer = finished[0].output or ""
    verdicts = judge.accepts([(input_text, answer, o.output or "") for o in finished[1:]])
    if all(v is True for v in verdicts):
        return answer
    summary.rejected["correct solutions disagree"] += 1
    return None


def _accepted(outcomes: list[Outcome | None], summary: GenerateSummary) -> str | None:
    """An interactive test is kept when its interactor accepts every voter (its answer file, which this interactor
    does not read, stays empty); a correct solution it rejects means the input is not one the jury meant."""
    if outcomes and all(o is not None and o.status == RunStatus.ok.value for o in outcomes):
        return ""
    summary.rejected["the interactor rejects a correct solution"] += 1
    return None


def _compiling(
    store: Store,
    cache: ResultCache,
    executor: Executor,
    correct: list[Submission],
    prob: Problem,
    options: GenerateOptions,
    summary: GenerateSummary,
    judge: Judge,
) -> list[Submission]:
    """The correct solutions that compile here (checked on the problem's first known input, which the cache keeps);
    one that does not is reported and never allowed to block the problem."""
    probe = next((t for t in store.tests_for([prob.key])[prob.key] if t.input), None)
    text, answer = (probe.input or "", probe.output or "") if probe is not None else ("", "")
    runs = _run_all(store, cache, executor, correct, [text], prob, options, judge, answer)[text]
    usable = []
    for solution, outcome in zip(correct, runs, strict=True):
        if outcome is not None and outcome.status in (RunStatus.compile_error.value, RunStatus.sandbox_error.value):
            summary.not_compiling.append(f"{'/'.join(prob.key)}: {solution.submission_id} ({solution.language_raw})")
        else:
            usable.append(solution)
    return usable


def _run_all(
    store: Store,
    cache: ResultCache,
    executor: Executor,
    solutions: list[Submission],
    inputs: list[str],
    problem: Problem,
    options: GenerateOptions,
    judge: Judge,
    answer: str = "",
) -> dict[str, list[Outcome | None]]:
    """Outcomes of every solution on every input (from the cache, or run now): input -> per-solution outcomes. An
    interactive problem's runs are with its interactor, which reads ``answer`` (and then the outcome is its verdict)."""
    limits = limits_for(problem, options.time_factor)
    interactive = judge.interactor is not None
    keyed = sorted({judge.test_key(text, answer): text for text in inputs}.items())
    jobs = []
    known: dict[str, dict[str, Outcome]] = {}
    for solution in solutions:
        assert solution.language is not None and solution.source_code is not None
        key = submission_key(solution)
        known[key] = cache.get(key, [d for d, _ in keyed], limits)
        missing = [(d, t) for d, t in keyed if d not in known[key]]
        if missing:
            answers = dict.fromkeys((d for d, _ in missing), answer) if interactive else {}
            flags = problem.validator_flags if interactive else None
            job = Job(key, solution.language, solution.source_code, missing, limits, solution.language_raw,
                      interactor=judge.interactor, answers=answers, flags=flags,
                      files=judge.files_for(solution.language))  # fmt: skip
            jobs.append(job)
    for result in executor.run(jobs):
        cache.put(result)
        # a sandbox failure says nothing about the input: no outcome, so the input is neither kept nor blamed
        known[result.solution].update({d: o for d, o in result.outcomes.items() if o.status != RunStatus.sandbox_error.value})
    return {t: [known[submission_key(s)].get(d) for s in solutions if s.language and s.source_code] for d, t in keyed}


def generate_tests(
    store: Store,
    *,
    site: str | None = None,
    problem: str | None = None,
    options: GenerateOptions | None = None,
    executor: Executor | None = None,
    sandbox: Sandbox | None = None,
    progress: Callable[[int, int], None] | None = None,
    searching: Callable[[str, int, int], None] | None = None,
) -> GenerateSummary:
    """Generated tests for every problem chosen. ``progress(done, total)`` per problem; ``searching(problem, broken,
    targets)`` as the search breaks guides."""
    options = options or GenerateOptions()
    executor = executor or LocalExecutor(sandbox=sandbox)
    local = getattr(executor, "sandbox", None) or sandbox or Sandbox()  # validators and checkers run here
    cache = ResultCache(store)
    summary = GenerateSummary()
    everything = list(
        problems_with_tests(
            store,
            site,
            problem,
            (TestKind.public, TestKind.private, TestKind.generated),
            interactive=summary.interactive,
            with_interactors=True,
        )
    )
    for done, (prob, tests, solutions) in enumerate(everything, start=1):
        _generate_for(store, cache, executor, local, prob, tests, solutions, options, summary, searching)
        if progress is not None:
            progress(done, len(everything))
    return summary


def _validators(
    store: Store, sandbox: Sandbox, prob: Problem, inputs: list[str], summary: GenerateSummary
) -> tuple[InputValidators | None, Specification | None]:
    """The problem's input validators: the jury's, else a specification inferred here from the statement and the
    known inputs (proved against every one of them, then stored, so that ``cpdata spec`` shows it), else None (and
    the reason, counted). Second: the specification standing in for a jury validator that does not run here."""
    name = "/".join(prob.key)
    try:
        validators = InputValidators.for_problem(store, sandbox, prob)
    except CheckerUnavailable as exc:
        # A jury package is a scraped problem with extra help: without its validator, the statement is read instead
        # (not stored: the jury's validator stays the problem's), and the problem says so loudly.
        inference = infer_spec(prob, inputs)
        program = inference.as_program(prob)
        if program is None:
            summary.warnings.append(f"{name}: its input validator does not run here ({exc}), and {inference.reason}")
            summary.no_spec[name] = f"its input validator does not run here, and {inference.reason}"
            return None, None
        summary.warnings.append(
            f"{name}: its input validator does not run here ({str(exc)[:200]}); generating from the statement instead: "
            f"{inference.reason}"
        )
        summary.validator_replaced[name] = inference.reason
        return InputValidators.for_problem(store, sandbox, prob, [program]), inference.specification
    if validators is not None:
        return validators, None
    inference = infer_spec(prob, inputs)
    program = inference.as_program(prob)
    if program is None:
        summary.no_spec[name] = inference.reason
        return None, None
    store.write_programs([program])
    validators = InputValidators.for_problem(store, sandbox, prob)
    # proved in this process already; run once more as every validator runs (in the sandbox), on the same inputs
    if validators is None or not all(validators.check([canonical(text) for text in inputs])):
        summary.no_spec[name] = f"the inferred specification ({inference.reason}) rejects a known input in the sandbox"
        store.delete_program(program)
        return None, None
    summary.inferred[name] = inference.reason
    if not inference.stated:
        summary.narrow[name] = inference.reason
    return validators, None


def _provenance(store: Store, prob: Problem, standin: bool) -> Literal["jury validator", "inferred specification"]:
    """What validates the problem's generated inputs, as each test records it."""
    names = {p.name for p in store.programs_for(prob.key) if p.role == "input_validator"}
    return "inferred specification" if standin or names == {INFERRED_SPECIFICATION} else "jury validator"


class Generator(Protocol):
    def generate(self, rng: random.Random, profile: str = ...) -> str: ...


def _generators(store: Store, prob: Problem, inputs: list[str], summary: GenerateSummary) -> list[Generator]:
    """What proposes inputs: an inferred specification (drawn structure by structure), the jury's checktestdata
    validators (drawn by the script); where the jury's validator is a program, a specification inferred from the
    inputs and the statement, as a generator only (the jury's validator still decides what is valid)."""
    found: list[Generator] = []
    programs = store.programs_for(prob.key)
    for program in programs:
        if program.role != "input_validator" or program.language != "checktestdata":
            continue
        if "spec.json" in program.files:
            found.append(SpecGenerator(Specification.from_json(program.files["spec.json"])))
            continue
        try:
            found.append(parse_script(program.files[program.entry]))
        except UnsupportedScript as exc:
            summary.warnings.append(f"{'/'.join(prob.key)}: the jury's checktestdata script is not drawn from ({exc})")
            continue
    jury = [p for p in programs if p.role == "input_validator" and p.name != INFERRED_SPECIFICATION]
    if jury:
        # The statement read as a generator beside the jury's own (trees, permutations, sums over cases that a
        # script draws only by chance; the only one where the validator is a program): the jury's validator
        # decides, and a reading it keeps rejecting stops being drawn from.
        inference = infer_spec(prob, inputs, for_generation=True)
        if inference.specification is not None:
            found.append(SpecGenerator(inference.specification))
            summary.generator_specification["/".join(prob.key)] = inference.reason
    return found


def _generate_for(
    store: Store,
    cache: ResultCache,
    executor: Executor,
    sandbox: Sandbox,
    prob: Problem,
    tests: list[Test],
    solutions: list[Submission],
    options: GenerateOptions,
    summary: GenerateSummary,
    searching: Callable[[str, int, int], None] | None = None,
) -> None:
    name = "/".join(prob.key)
    correct = [s for s in solutions if s.is_correct]
    if not correct:
        summary.warnings.append(f"{name}: no correct solution we can run; nothing generated")
        return
    judge = Judge.for_problem(store, prob, sandbox)
    all_tests = store.tests_for([prob.key])[prob.key]
    known_inputs = [t.input for t in all_tests if t.input and t.kind != TestKind.generated and t.output is not None]
    # Voters: correct solutions that compile here, at most min_agree of them; the others are reported, not voting.
    voters = _compiling(store, cache, executor, correct, prob, options, summary, judge)[: options.min_agree]
    if len(voters) < options.min_agree:
        summary.warnings.append(
            f"{name}: only {len(voters)} correct solutions can vote on each test (wanted {options.min_agree})"
        )
    if not voters:
        return
    summary.problems += 1
    entities: list[Test] = []
    unlabelled = [t for t in all_tests if t.output is None and t.input is not None]
    if unlabelled and judge.interactor is None:  # hack inputs a site's own validator accepted: label them by agreement
        runs = _run_all(store, cache, executor, voters, [t.input or "" for t in unlabelled], prob, options, judge)
        for test in unlabelled:
            agreed = _agreed(test.input or "", runs[test.input or ""], judge, summary, strict=False)
            if agreed is not None:
                entities.append(test.model_copy(update={"output": agreed}))
                summary.hack_outputs += 1
    if judge.interactor is not None and any((t.output or "").strip() for t in all_tests if t.kind != TestKind.generated):
        # the interactor reads a jury answer for each input, which no run of ours can make
        summary.no_spec[name] = "interactive, and its interactor reads an answer file that cannot be generated"
        _finish(store, entities, summary, name, 0)
        judge.close()
        return
    validators, standin = _validators(store, sandbox, prob, known_inputs, summary)
    if validators is None and not (options.unvalidated and judge.interactor is None and known_inputs):
        _finish(store, entities, summary, name, 0)
        judge.close()
        return
    # --unvalidated (AlphaCode's way, where nothing can validate): mutations of the known inputs, kept when every
    # correct solution agrees, and marked as not validated
    if standin is not None:
        scripts: list[Generator] = [SpecGenerator(standin)]
    else:
        scripts = _generators(store, prob, known_inputs, summary) if validators is not None else []
    provenance = _provenance(store, prob, standin is not None) if validators is not None else "none"
    if validators is not None and not scripts:
        summary.mutations_only[name] = "no specification to draw from: only mutations of the known inputs (small)"
    existing = [t for t in all_tests if t.kind == TestKind.generated]
    seen = {t.input for t in all_tests}
    bases = [*known_inputs, *(t.input for t in unlabelled if t.input)]
    rng = random.Random(f"{options.seed}/{name}")
    ordinal = max((t.ordinal for t in existing), default=-1) + 1
    made = len(existing)
    started = time.monotonic()
    profiles = itertools.cycle(_PROFILES)
    drawn_from, valid_from = Counter[int](), Counter[int]()  # per script: candidates drawn, and how many were valid
    # The margin a jury's time limit gives its slowest accepted solution (a package's time_multiplier; else the
    # factor that scaled a site's limit): a candidate that takes a correct solution past it is too heavy for the
    # limit (a correct solution would fail it), not a stronger test.
    limits = limits_for(prob, options.time_factor)
    slowest_allowed = limits.time_ms / (prob.time_multiplier or options.time_factor)
    try:
        while made < options.max_tests and time.monotonic() - started < options.budget_seconds:
            broken: list[str] = []
            drawn = _candidates(scripts, bases, rng, profiles, seen, options.candidates_per_round, broken)
            summary.warnings += [f"{name}: {message}" for message in broken]
            if not drawn:
                break
            candidates = [text for text, _ in drawn]
            summary.candidates += len(candidates)
            verdicts: list[bool | None] = validators.check(candidates) if validators is not None else [True] * len(candidates)
            valid = [c for c, ok in zip(candidates, verdicts, strict=True) if ok]
            _drop_unproductive(scripts, drawn, verdicts, drawn_from, valid_from)
            summary.rejected["invalid by the validator"] += len(candidates) - len(valid)
            summary.valid_candidates += len(valid)
            if not valid:
                continue
            runs = _run_all(store, cache, executor, voters, valid, prob, options, judge)
            for candidate in valid:
                outcomes = runs[candidate]
                if any(o is not None and (o.time_ms or 0) > slowest_allowed for o in outcomes):
                    summary.rejected["too slow for a correct solution"] += 1
                    continue
                if judge.interactor is None:
                    agreed = _agreed(candidate, outcomes, judge, summary)
                else:
                    agreed = _accepted(outcomes, summary)
                if agreed is None:
                    continue
                if made >= options.max_tests:
                    break
                entities.append(
                    Test(
                        site=prob.site,
                        contest_id=prob.contest_id,
                        index=prob.index,
                        kind=TestKind.generated,
                        ordinal=ordinal,
                        input=candidate,
                        output=agreed,
                        origin=TestOrigin.generated,
                        validated_by=provenance,
                    )
                )
                if validators is None:
                    summary.unvalidated[name] = summary.unvalidated.get(name, 0) + 1
                bases.append(candidate)  # mutations of accepted inputs reach further
                ordinal += 1
                made += 1
                summary.generated += 1
        if options.search is not None and validators is not None and judge.interactor is None:
            hooks = _Hooks(store, cache, executor, prob, options, judge, voters, validators, scripts, summary, slowest_allowed)
            hooks.searching = searching
            drawn_tests = [*existing, *(t for t in entities if t.kind == TestKind.generated)]
            known = {t.input: t.output for t in all_tests if t.kind != TestKind.generated and t.input and t.output is not None}
            searched = _search_for(hooks, solutions, drawn_tests, known, provenance, rng, name)
            if searched is not None:
                kept = [t.model_copy(update={"ordinal": number}) for number, t in enumerate(searched)]
                store.replace_generated_tests(prob.key, kept)
                entities = [t for t in entities if t.kind != TestKind.generated]
                summary.generated += sum(t.generator == "search" for t in kept)
                made = len(kept)
        elif options.search is not None:
            summary.not_searched[name] = "interactive" if judge.interactor is not None else "no validator"
    finally:
        if validators is not None:
            validators.close()
        judge.close()
    _finish(store, entities, summary, name, made)


class _Hooks:
    """What the search asks of gen-tests, answered with its validators, voters, judge and results cache."""

    def __init__(
        self,
        store: Store,
        cache: ResultCache,
        executor: Executor,
        prob: Problem,
        options: GenerateOptions,
        judge: Judge,
        voters: list[Submission],
        validators: InputValidators,
        scripts: list[Generator],
        summary: GenerateSummary,
        slowest_allowed: float,
    ) -> None:
        self.store, self.cache, self.executor, self.prob, self.options = store, cache, executor, prob, options
        self.judge, self.voters, self.validators, self.scripts, self.summary = judge, voters, validators, scripts, summary
        self.slowest_allowed = slowest_allowed
        self.guides: list[Submission] = []
        self.searching: Callable[[str, int, int], None] | None = None
        self.limit_ms = limits_for(prob, options.time_factor).time_ms

    def propose(self, rng: random.Random, count: int, favoured: dict[str, float]) -> list[tuple[str, str]]:
        live = [script for script in self.scripts if script is not _EXHAUSTED]
        weights = [1.0 + 2.0 * favoured.get(profile, 0.0) for profile in _PROFILES]  # what worked, more often
        out = []
        for _ in range(count * 3 if live else 0):
            profile = rng.choices(_PROFILES, weights)[0]
            try:
                out.append((rng.choice(live).generate(rng, profile), profile))
            except (TooLarge, UnsupportedScript):
                continue
            except Exception:  # a fault of ours in drawing: gen-tests' own rounds report it; the search goes on
                continue
            if len(out) >= count:
                break
        return out

    def valid(self, texts: list[str]) -> list[str]:
        verdicts = self.validators.check(texts) if texts else []
        return [text for text, ok in zip(texts, verdicts, strict=True) if ok]

    def label(self, texts: list[str]) -> dict[str, str]:
        runs = self.run(self.voters, texts)
        found = {}
        for text in texts:
            outcomes = runs[text]
            if any(o is not None and (o.time_ms or 0) > self.slowest_allowed for o in outcomes):
                continue
            agreed = _agreed(text, outcomes, self.judge, self.summary)
            if agreed is not None:
                found[text] = agreed
        return found

    def attack(self, labelled: dict[str, str]) -> dict[str, tuple[frozenset[str], float]]:
        runs = self.run(self.guides, list(labelled))
        out = {}
        for text, answer in labelled.items():
            broken, heat = set(), 0.0
            finished = []
            for guide, outcome in zip(self.guides, runs[text], strict=True):
                if outcome is None or outcome.status == RunStatus.sandbox_error.value:
                    continue  # no verdict: our failure says nothing about the guide
                heat = max(heat, (outcome.time_ms or 0) / self.limit_ms)
                if outcome.status != RunStatus.ok.value:
                    broken.add(guide.submission_id)
                else:
                    finished.append((guide, outcome))
            verdicts = self.judge.accepts([(text, answer, o.output or "") for _, o in finished])
            broken |= {guide.submission_id for (guide, _), ok in zip(finished, verdicts, strict=True) if ok is False}
            out[text] = (frozenset(broken), heat)
        return out

    def runs_per_input(self) -> int:
        return len(self.voters) + len(self.guides)

    def run(self, solutions: list[Submission], texts: list[str]) -> dict[str, list[Outcome | None]]:
        if not texts:
            return {}
        return _run_all(self.store, self.cache, self.executor, solutions, texts, self.prob, self.options, self.judge)


def _search_for(
    hooks: _Hooks,
    solutions: list[Submission],
    generated: list[Test],
    known: dict[str, str],
    provenance: str,
    rng: random.Random,
    name: str,
) -> list[Test] | None:
    """The search on one problem (``search``): its guides that compile and that the known tests do not already break
    are the targets; the drawn tests are the first pool. The final set as tests, or None when there was nothing to
    search for (said in ``summary.not_searched``)."""
    options, summary = hooks.options.search, hooks.summary
    assert options is not None
    incorrect = [s for s in solutions if s.is_correct is False and s.language is not None and s.source_code]
    guides = [s for s in incorrect if is_guide(s)]
    report = SearchReport(guides=len(guides), held_out=len(incorrect) - len(guides))
    if not guides:
        summary.not_searched[name] = "every incorrect solution is held out" if incorrect else "no incorrect solution"
        return None
    hooks.guides = guides
    # a guide the known tests already break (a compile error breaks any) needs no search: the targets are the rest
    caught = {guide for text, (broken, _) in hooks.attack(known).items() for guide in broken}
    targets = {g.submission_id for g in guides} - caught
    report.targets = len(targets)
    if not targets:
        summary.not_searched[name] = "the known tests already break every guide"
        summary.searched[name] = report.as_dict()
        return None
    pool = []
    attacked = hooks.attack({t.input or "": t.output or "" for t in generated if t.input is not None})
    by_text = {t.input: t for t in generated}
    for text, (broken, heat) in attacked.items():
        pool.append(Scored(text, by_text[text].output or "", broken & targets, heat, "drawn"))
    report.runs += len(pool) * len(guides)
    shown = hooks.searching
    found = search(hooks, pool, targets, options, rng, report, None if shown is None else lambda b, t: shown(name, b, t))
    kept, report.covering = choose_tests(found, options.keep)
    report.kept = kept
    summary.searched[name] = report.as_dict()
    tests = []
    for test in kept:
        earlier = by_text.get(test.text)
        if earlier is not None:
            tests.append(earlier)
            continue
        tests.append(
            Test(
                site=hooks.prob.site,
                contest_id=hooks.prob.contest_id,
                index=hooks.prob.index,
                kind=TestKind.generated,
                ordinal=0,
                input=test.text,
                output=test.answer,
                origin=TestOrigin.generated,
                generator="search",
                generator_args=test.move,
                validated_by=provenance,
            )
        )
    return tests


def _finish(store: Store, entities: list[Test], summary: GenerateSummary, name: str, made: int) -> None:
    if entities:
        store.write(entities)
    summary.per_problem[name] = made


def _drop_unproductive(
    scripts: list[Generator],
    drawn: list[tuple[str, int]],
    verdicts: list[bool | None],
    drawn_from: Counter[int],
    valid_from: Counter[int],
) -> None:
    """Stop drawing from a script the validator has rejected every time (an inferred structure that misses a rule
    such as ``m`` being the sum of a column): its draws would only crowd out the mutations that do pass."""
    for (_, source), ok in zip(drawn, verdicts, strict=True):
        if source >= 0:
            drawn_from[source] += 1
            valid_from[source] += bool(ok)
    for source in {s for _, s in drawn if s >= 0}:
        if drawn_from[source] >= _PATIENCE and valid_from[source] == 0:
            scripts[source] = _EXHAUSTED


def _candidates(
    scripts: list[Generator],
    bases: list[str],
    rng: random.Random,
    profiles: Iterator[str],
    seen: set[str | None],
    count: int,
    broken: list[str],
) -> list[tuple[str, int]]:
    """New inputs, each with where it came from (a script's index, or -1 for a mutation): from the specification
    (extremes and random sizes) when there is one, and mutations of known valid inputs; none seen before. Every one
    still goes through the validator."""
    found: list[tuple[str, int]] = []
    live = [number for number, script in enumerate(scripts) if script is not _EXHAUSTED]
    for _ in range(count * 5):
        source = -1
        if live and (not bases or rng.random() < 0.6):
            source = rng.choice(live)
            try:
                candidate = scripts[source].generate(rng, next(profiles))
            except TooLarge:
                continue  # this draw only (the largest of every size at once): draw again
            except UnsupportedScript:
                scripts[source] = _EXHAUSTED
                live.remove(source)
                continue
            except Exception as exc:  # a fault of ours in drawing: this one source is dropped, loudly; the run goes on
                scripts[source] = _EXHAUSTED
                live.remove(source)
                broken.append(f"drawing from a specification failed ({type(exc).__name__}: {exc}); it is not drawn from")
                continue
        elif bases:
            candidate = mutate(rng.choice(bases), rng, changes=rng.choice((1, 1, 2, 3)))
        else:
            break
        if candidate not in seen:
            seen.add(candidate)
            found.append((candidate, source))
        if len(found) >= count:
            break
    return found
