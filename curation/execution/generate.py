"""``cpdata gen-tests``: CodeContests' generated tests (paper section 3.2.1).

Mutate existing inputs, keeping their shape (integers +-1 and other small changes, bit flips in binary strings,
swapped and changed characters), run the correct solutions on each mutated input, and keep the input with its
output only when they all agree (at least ``min_agree`` of them; fewer, with a warning, when a problem has fewer).
At most ``max_tests`` per problem within a time budget. Hack inputs, whose outputs are unknown, get outputs the
same way. Every run goes through the results cache, so a second run (or one after Ctrl-C) redoes nothing.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cpdata.curation.execution.judge import (
    Executor,
    Job,
    LocalExecutor,
    Outcome,
    ResultCache,
    input_key,
    limits_for,
    normalize_output,
    submission_key,
)
from cpdata.curation.execution.sandbox import RunStatus, Sandbox
from cpdata.curation.execution.verify import problems_with_tests
from cpdata.schema import Problem, Store, Submission, Test, TestKind, TestOrigin

__all__ = ["GenerateOptions", "GenerateSummary", "generate_tests", "mutate"]

_TOKEN = re.compile(r"\S+|\s+")


def _mutate_token(token: str, rng: random.Random) -> str:
    if re.fullmatch(r"-?\d+", token):
        value = int(token)
        choice = rng.random()
        if choice < 0.5:
            value += rng.choice((-1, 1))
        elif choice < 0.65:
            value = value * 2 if rng.random() < 0.5 else value // 2
        elif choice < 0.8:
            value = -value
        else:
            value = rng.choice((0, 1, -1))
        return str(value)
    if re.fullmatch(r"[01]+", token) and len(token) > 1:  # a binary string: flip a bit
        position = rng.randrange(len(token))
        return token[:position] + ("1" if token[position] == "0" else "0") + token[position + 1 :]
    if len(token) > 1 and rng.random() < 0.5:  # swap two characters
        i, j = rng.sample(range(len(token)), 2)
        chars = list(token)
        chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars)
    position = rng.randrange(len(token))  # change a character, within its class
    char = token[position]
    pool = (
        "abcdefghijklmnopqrstuvwxyz"
        if char.islower()
        else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if char.isupper()
        else "0123456789"
        if char.isdigit()
        else char
    )
    return token[:position] + rng.choice(pool) + token[position + 1 :]


def mutate(text: str, rng: random.Random, changes: int = 1) -> str:
    """The input with ``changes`` tokens mutated; whitespace (so lines and token counts) is kept exactly, which keeps
    the format, though not always the constraints: agreement of the correct solutions is the filter."""
    parts = _TOKEN.findall(text)
    tokens = [i for i, part in enumerate(parts) if not part.isspace()]
    if not tokens:
        return text
    # A leading count (of the tokens or lines that follow) is left alone: changing it breaks the input's shape.
    first = parts[tokens[0]]
    rest_lines = text.strip().count("\n")
    if first.isdigit() and int(first) in (len(tokens) - 1, rest_lines) and len(tokens) > 1:
        tokens = tokens[1:]
    for index in rng.choices(tokens, k=changes):
        parts[index] = _mutate_token(parts[index], rng)
    return "".join(parts)


@dataclass
class GenerateOptions:
    min_agree: int = 30
    max_tests: int = 200
    budget_seconds: float = 60.0
    candidates_per_round: int = 20
    time_factor: float = 2.0
    seed: int = 0


@dataclass
class GenerateSummary:
    problems: int = 0
    generated: int = 0
    hack_outputs: int = 0
    candidates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    per_problem: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "problems": self.problems,
            "generated": self.generated,
            "hack_outputs": self.hack_outputs,
            "candidates": self.candidates,
            "rejected": dict(self.rejected),
            "warnings": self.warnings,
            "per_problem": self.per_problem,
        }


def _agreed(outcomes: list[Outcome | None]) -> str | None:
    """The common output when every solution ran fine and printed the same thing (after normalizing whitespace)."""
    if not outcomes or any(o is None or o.status != RunStatus.ok.value or o.output is None for o in outcomes):
        return None
    outputs = {normalize_output(o.output or "") for o in outcomes if o is not None}
    return (outcomes[0].output if outcomes[0] is not None else None) if len(outputs) == 1 else None


def _run_all(
    store: Store,
    cache: ResultCache,
    executor: Executor,
    solutions: list[Submission],
    inputs: list[str],
    problem: Problem,
    options: GenerateOptions,
) -> dict[str, list[Outcome | None]]:
    """Outcomes of every solution on every input (from the cache, or run now): input hash -> per-solution outcomes."""
    limits = limits_for(problem, options.time_factor)
    keyed = sorted({input_key(text): text for text in inputs}.items())
    jobs = []
    known: dict[str, dict[str, Outcome]] = {}
    for solution in solutions:
        assert solution.language is not None and solution.source_code is not None
        key = submission_key(solution)
        known[key] = cache.get(key, [d for d, _ in keyed], limits)
        missing = [(d, t) for d, t in keyed if d not in known[key]]
        if missing:
            jobs.append(Job(key, solution.language, solution.source_code, missing, limits, solution.language_raw))
    for result in executor.run(jobs):
        cache.put(result)
        # a sandbox failure says nothing about the input: no outcome, so the input is neither kept nor blamed
        known[result.solution].update({d: o for d, o in result.outcomes.items() if o.status != RunStatus.sandbox_error.value})
    return {d: [known[submission_key(s)].get(d) for s in solutions if s.language and s.source_code] for d, _ in keyed}


def generate_tests(
    store: Store,
    *,
    site: str | None = None,
    problem: str | None = None,
    options: GenerateOptions | None = None,
    executor: Executor | None = None,
    sandbox: Sandbox | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerateSummary:
    options = options or GenerateOptions()
    executor = executor or LocalExecutor(sandbox=sandbox)
    cache = ResultCache(store)
    summary = GenerateSummary()
    everything = list(problems_with_tests(store, site, problem, (TestKind.public, TestKind.private, TestKind.generated)))
    for done, (prob, tests, solutions) in enumerate(everything, start=1):
        correct = [s for s in solutions if s.is_correct][: options.min_agree]
        name = "/".join(prob.key)
        if not correct:
            summary.warnings.append(f"{name}: no correct solution we can run; nothing generated")
            continue
        if len(correct) < options.min_agree:
            summary.warnings.append(
                f"{name}: only {len(correct)} correct solutions agree on each test (wanted {options.min_agree})"
            )
        summary.problems += 1
        entities: list[Test] = []
        # hack inputs without outputs: label them by agreement
        all_tests = store.tests_for([prob.key])[prob.key]
        unlabelled = [t for t in all_tests if t.output is None and t.input is not None]
        if unlabelled:
            runs = _run_all(store, cache, executor, correct, [t.input or "" for t in unlabelled], prob, options)
            for test in unlabelled:
                agreed = _agreed(runs[input_key(test.input or "")])
                if agreed is not None:
                    entities.append(test.model_copy(update={"output": agreed}))
                    summary.hack_outputs += 1
        existing = [t for t in all_tests if t.kind == TestKind.generated]
        seen = {t.input for t in all_tests}
        bases = [t.input for t in tests if t.kind != TestKind.generated and t.input] + [t.input for t in unlabelled if t.input]
        rng = random.Random(f"{options.seed}/{name}")
        ordinal = max((t.ordinal for t in existing), default=-1) + 1
        made = len(existing)
        started = time.monotonic()
        while bases and made < options.max_tests and time.monotonic() - started < options.budget_seconds:
            candidates = []
            for _ in range(options.candidates_per_round * 5):
                candidate = mutate(rng.choice(bases), rng, changes=rng.choice((1, 1, 2, 3)))
                if candidate not in seen:
                    seen.add(candidate)
                    candidates.append(candidate)
                if len(candidates) >= options.candidates_per_round:
                    break
            if not candidates:
                break
            summary.candidates += len(candidates)
            runs = _run_all(store, cache, executor, correct, candidates, prob, options)
            for candidate in candidates:
                agreed = _agreed(runs[input_key(candidate)])
                if agreed is None:
                    summary.rejected["solutions disagree or fail"] += 1
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
                    )
                )
                bases.append(candidate)  # mutations of accepted inputs reach further (e.g. all-negative arrays)
                ordinal += 1
                made += 1
                summary.generated += 1
        if entities:
            store.write(entities)
        summary.per_problem[name] = made
        if progress is not None:
            progress(done, len(everything))
    return summary
