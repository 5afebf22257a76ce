"""Search guided by the incorrect solutions a problem already has: inputs that break them, kept small.

Drawing from a specification, even the right one, rarely hits the one input a particular bug needs. The sites give
us what the bug needs instead: labelled incorrect submissions. Half of a problem's incorrect solutions (the
**guides**, chosen by a fixed hash of each submission, so the split never moves as submissions are added) steer the
search; the other half (**held out**) never does, and measures it honestly (``is_guide``).

A candidate input is scored by the guides it breaks (a wrong answer under the problem's judge, a crash, or over the
time limit) once every correct solution agrees on it within the limit's margin, and by its heat: how close it takes
the slowest guide to the time limit. The search keeps the inputs that score, changes them within the specification
(``mutation``: values changed, lines sorted, reversed, made equal, pushed to extremes, two inputs crossed; every
child goes through the validator), draws fresh ones from the profiles that scored before, and climbs until every
guide is broken or the budget (seconds and runs) is spent. The final set is a greedy set cover of everything the
pool breaks, filled with the strongest of the rest up to ``keep``.

Every run goes through the results cache like every other run: a second search with the same seed replays from it.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from cpdata.curation.testgen.mutation import crossover, mutate, reshape
from cpdata.schema import Submission

__all__ = ["GUIDE_SEED", "Scored", "SearchHooks", "SearchOptions", "SearchReport", "choose_tests", "is_guide", "search"]

GUIDE_SEED = "cpdata/guides/1"
"""The fixed seed of the guide / held-out split: changing it would let tests chosen with a solution's help be judged
on that solution."""


def is_guide(submission: Submission) -> bool:
    """Whether an incorrect submission guides the search (else it is held out to measure it): half of them, by a hash
    of the submission alone, so the split of a problem's submissions does not change when more are scraped."""
    digest = hashlib.sha256(f"{GUIDE_SEED}/{submission.site}/{submission.submission_id}".encode()).digest()
    return digest[0] % 2 == 0


@dataclass(frozen=True)
class SearchOptions:
    seconds: float = 120.0
    """Wall seconds per problem at most (the runs themselves are cached and counted in ``runs``)."""
    runs: int = 4000
    """Runs of solutions per problem at most (correct voters and guides together)."""
    keep: int = 40
    """Tests kept per problem after the set cover."""
    batch: int = 12
    """Candidates proposed per round."""


@dataclass(frozen=True)
class Scored:
    """A candidate every correct solution agreed on: its answer, the guides it breaks, its heat."""

    text: str
    answer: str
    broken: frozenset[str]
    heat: float
    """The slowest guide's time over the time limit (1.0 or more: it ran out of time)."""
    move: str
    """How it came: drawn (with its profile), mutated, reshaped, crossed, or the drawn tests that were there."""


class SearchHooks(Protocol):
    """What the search needs from gen-tests: proposals, the validator, the voters and the guides' runs."""

    def propose(self, rng: random.Random, count: int, favoured: dict[str, float]) -> list[tuple[str, str]]:
        """Fresh inputs drawn from the problem's specification: (input, the profile it was drawn with), profiles
        weighted by ``favoured`` (those whose draws broke a guide or ran a guide hot)."""
        ...

    def valid(self, texts: list[str]) -> list[str]:
        """The inputs the problem's validator accepts."""
        ...

    def label(self, texts: list[str]) -> dict[str, str]:
        """The inputs every correct solution agrees on within the limit's margin, with the answer."""
        ...

    def attack(self, labelled: dict[str, str]) -> dict[str, tuple[frozenset[str], float]]:
        """Per input: the guides it breaks and its heat (guides with no verdict, such as our own failures, break
        nothing)."""
        ...

    def runs_per_input(self) -> int:
        """Runs one input costs when it is labelled and attacked (voters plus guides)."""
        ...


@dataclass
class SearchReport:
    guides: int = 0
    held_out: int = 0
    targets: int = 0
    """Guides the problem's known tests (samples, official) do not already break: what the search aims at."""
    broken: set[str] = field(default_factory=set)
    proposed: int = 0
    valid: int = 0
    evaluated: int = 0
    runs: int = 0
    seconds: float = 0.0
    moves: Counter[str] = field(default_factory=Counter)
    """Candidates that broke something new, by how they came."""
    kept: list[Scored] = field(default_factory=list)
    covering: int = 0
    """Kept tests that the set cover chose (the rest fill up to ``keep``, strongest first)."""
    stopped: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "guides": self.guides,
            "held_out": self.held_out,
            "targets": self.targets,
            "broken": len(self.broken),
            "proposed": self.proposed,
            "valid": self.valid,
            "evaluated": self.evaluated,
            "runs": self.runs,
            "seconds": round(self.seconds, 1),
            "breaking_moves": dict(self.moves),
            "kept": len(self.kept),
            "covering": self.covering,
            "stopped": self.stopped,
        }


def _score(test: Scored) -> tuple[int, float]:
    return len(test.broken), test.heat


def search(
    hooks: SearchHooks,
    pool: list[Scored],
    targets: set[str],
    options: SearchOptions,
    rng: random.Random,
    report: SearchReport,
    progress: Callable[[int, int], None] | None = None,
) -> list[Scored]:
    """Climb from ``pool`` (the drawn tests, scored) toward inputs that break every target; the pool grown."""
    started = time.monotonic()
    seen = {t.text for t in pool}
    found = list(pool)
    report.broken = set().union(*(t.broken for t in pool)) & targets if pool else set()
    scored_moves = Counter[str]()  # which ways of proposing broke something new: drawn from more often
    while True:
        if targets <= report.broken:
            report.stopped = "every target broken"
            break
        if time.monotonic() - started >= options.seconds:
            report.stopped = "time budget spent"
            break
        room = (options.runs - report.runs) // max(1, hooks.runs_per_input())  # inputs the run budget still pays for
        if room < 1:
            report.stopped = "run budget spent"
            break
        children = _children(hooks, found, targets - report.broken, rng, min(options.batch, room), scored_moves)
        fresh = [(text, move) for text, move in dict(reversed(children)).items() if text not in seen][: min(options.batch, room)]
        seen.update(text for text, _ in fresh)
        if not fresh:
            report.stopped = "nothing new to propose"
            break
        report.proposed += len(fresh)
        moves = dict(fresh)
        valid = hooks.valid([text for text, _ in fresh])
        report.valid += len(valid)
        labelled = hooks.label(valid)
        attacked = hooks.attack(labelled)
        report.evaluated += len(labelled)
        report.runs += len(valid) * hooks.runs_per_input()  # at most: an input the voters disagree on meets no guide
        hottest = max((t.heat for t in found), default=0.0)
        for text, answer in labelled.items():
            broken, heat = attacked.get(text, (frozenset(), 0.0))
            test = Scored(text, answer, broken & targets, heat, moves[text])
            found.append(test)
            new = test.broken - report.broken
            if new or heat > hottest:  # a way of proposing that broke something new, or ran a guide hotter
                scored_moves[test.move] += 1
            if new:
                report.broken |= new
                report.moves[test.move.split(":")[0]] += 1
        if progress is not None:
            progress(len(report.broken), len(targets))
    report.seconds = time.monotonic() - started
    return found


def _children(
    hooks: SearchHooks, found: list[Scored], open_targets: set[str], rng: random.Random, count: int, scored: Counter[str]
) -> list[tuple[str, str]]:
    """A round's candidates: mutations of the strongest inputs so far (those that break an open target first, then
    the hottest), crossings of two of them, and fresh draws; a way that broke something before is taken more."""
    ranked = sorted(found, key=lambda t: (len(t.broken & open_targets), len(t.broken), t.heat), reverse=True)
    parents = ranked[: max(2, count // 2)]
    drawn = sum(n for move, n in scored.items() if move.startswith("drawn"))
    weights = {"mutated": 1 + scored["mutated"], "reshaped": 1 + scored["reshaped"], "crossed": 1 + scored["crossed"],
               "drawn": 2 + drawn}  # fmt: skip
    favoured = {move.split(":", 1)[1]: float(n) for move, n in scored.items() if move.startswith("drawn:")}
    out: list[tuple[str, str]] = []
    draws = 0
    for _ in range(count):
        move = rng.choices(list(weights), list(weights.values()))[0] if parents else "drawn"
        if move == "drawn":
            draws += 1
            continue
        parent = _tournament(parents, rng)
        if move == "mutated":
            out.append((mutate(parent.text, rng, changes=rng.choice((1, 2, 3))), "mutated"))
        elif move == "reshaped":
            out.append((reshape(parent.text, rng), "reshaped"))
        else:
            crossed = crossover(parent.text, _tournament(parents, rng).text, rng)
            out.append((crossed, "crossed") if crossed is not None else (reshape(parent.text, rng), "reshaped"))
    if draws:
        out += [(text, f"drawn:{profile}") for text, profile in hooks.propose(rng, draws, favoured)]
    return out


def _tournament(parents: list[Scored], rng: random.Random) -> Scored:
    """The better of two parents drawn at random: pressure toward the strongest without losing the others."""
    first, second = rng.choice(parents), rng.choice(parents)
    return max(first, second, key=_score)


def choose_tests(found: list[Scored], keep: int) -> tuple[list[Scored], int]:
    """A small final set: a greedy set cover of every guide the pool breaks (the test breaking most of what is still
    uncovered first, the hotter on ties), then the strongest of the rest up to ``keep`` (they break the same guides
    again, which is what catches the held-out solutions that fail for nearby reasons). Returns (tests, how many the
    cover chose)."""
    chosen: list[Scored] = []
    covered: set[str] = set()
    left = sorted(found, key=lambda t: (-len(t.broken), -t.heat, t.text))
    while len(chosen) < keep:
        best = max(left, key=lambda t: (len(t.broken - covered), t.heat), default=None)
        if best is None or not best.broken - covered:
            break
        chosen.append(best)
        covered |= best.broken
        left.remove(best)
    cover = len(chosen)
    chosen += left[: keep - len(chosen)]
    return chosen, cover
