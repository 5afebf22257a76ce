"""Files that contain a solution to an evaluation problem: dropped from the corpus, and the problems hit reported.

Public corpora stop at a date cut. A date does not stop a solution from reaching GitHub before its contest went
into valid or test (a problem reused from an older contest, a mirror, a training repository). So every file is
checked against the solutions of the store's valid and test problems, correct or not:

- **exact**: the solution, with all whitespace removed, occurs in the file with all whitespace removed;
- **near**: at least ``NEAR`` of the solution's token 12-grams occur in the file (renamed variables aside, it is
  in there: a copy with a few edits, or one solution among many in a file).

Candidates come from an index of the solutions' token 12-grams, so a file is compared only with solutions it
shares some 12-gram with. Solutions too short to tell (under ``MIN_TOKENS`` tokens) are left out: a one-line
"print(input())" occurs everywhere and proves nothing.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cpdata.schema import Store, key_name

if TYPE_CHECKING:
    from cpdata.curation.steps.splits import SplitCutoffs

__all__ = ["NEAR", "EvalSolutions", "load_eval_solutions"]

GRAM = 12
NEAR = 0.8
MIN_TOKENS = 40
_TOKEN = re.compile(rb"\w+|[^\w\s]")


def _grams(content: bytes) -> set[int]:
    # Two C checksums make a 64-bit hash that is the same in every process (Python's own hash of bytes is salted
    # per process, and the index is built in one process while Ray workers check files in others).
    tokens = _TOKEN.findall(content)
    grams = (b" ".join(tokens[i : i + GRAM]) for i in range(len(tokens) - GRAM + 1))
    return {zlib.crc32(gram) | (zlib.adler32(gram) << 32) for gram in grams}


@dataclass
class EvalSolutions:
    """The valid and test problems' solutions, indexed by their token 12-grams."""

    problems: list[str] = field(default_factory=list)
    splits: list[str] = field(default_factory=list)
    stripped: list[bytes] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    index: dict[int, list[int]] = field(default_factory=dict)
    by_split: Counter[str] = field(default_factory=Counter)

    def add(self, problem: str, split: str, code: str) -> None:
        content = code.encode("utf-8", "replace")
        grams = _grams(content)
        if len(_TOKEN.findall(content)) < MIN_TOKENS or not grams:
            return
        number = len(self.problems)
        self.problems.append(problem)
        self.splits.append(split)
        self.stripped.append(b"".join(content.split()))
        self.sizes.append(len(grams))
        for gram in grams:
            self.index.setdefault(gram, []).append(number)
        self.by_split[split] += 1

    def match(self, content: bytes) -> tuple[str, str, str] | None:
        """(problem, split, exact|near) of the first evaluation solution the file contains, or None."""
        if not self.problems:
            return None
        hits: Counter[int] = Counter()
        for gram in _grams(content):
            for number in self.index.get(gram, ()):
                hits[number] += 1
        if not hits:
            return None
        stripped: bytes | None = None
        for number, count in hits.most_common():
            if count < NEAR * self.sizes[number]:
                continue  # an exact copy has every 12-gram, a near one most
            if stripped is None:
                stripped = b"".join(content.split())
            kind = "exact" if self.stripped[number] in stripped else "near"
            return self.problems[number], self.splits[number], kind
        return None


def load_eval_solutions(
    store: Store, cutoffs: SplitCutoffs | None = None, splits: tuple[str, ...] = ("valid", "test")
) -> EvalSolutions:
    """Every solution with code of the store's problems in ``splits``, as the curation pipeline assigns them."""
    from cpdata.curation.steps.pipeline import iter_items
    from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, assign_split

    chosen = cutoffs or DEFAULT_CUTOFFS
    solutions = EvalSolutions()
    for item in iter_items(store):
        split = assign_split(item.released, chosen, item.problem.split_floor).value
        if split not in splits:
            continue
        for solution in item.solutions:
            if solution.source_code:
                solutions.add(key_name(item.key), split, solution.source_code)
    return solutions
