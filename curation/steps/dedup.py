"""Duplicate problems and solutions (AlphaCode, paper appendix B.2), and near-duplicate problems (MinHash + LSH).

- Exact: two statements are the same problem when they are equal after normalization (case folded, TeX and
  Markdown punctuation and all whitespace removed): the same problem in a Div. 1 and a Div. 2 round, or on two
  sites. Such a group is merged on export into its canonical member (the earliest, then the smallest key).
- Near: MinHash signatures of word 5-gram shingles, banded by datasketch's LSH at a Jaccard threshold; clusters are
  the connected components of the candidate pairs whose estimated similarity clears the threshold. A cluster is
  assigned to a split as one unit, by its earliest member's date, so a later copy never lands in valid or test.
- Solutions: whitespace-insensitive duplicates within a problem are dropped (a curation step; see steps.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from cpdata.schema import ProblemKey, Store, key_name

if TYPE_CHECKING:
    from datasketch import MinHash

# numpy and datasketch (which brings scipy) load inside the functions that hash: the solution and statement hashes
# below are used by every export step and must not pay for them.

__all__ = [
    "Clusters",
    "DedupResult",
    "Identity",
    "find_clusters",
    "normalize_statement",
    "run_dedup",
    "shingles",
    "signatures",
    "solution_hash",
    "statement_hash",
    "substantive",
]

_NOISE = re.compile(r"[\s$`*_#>|\\{}]+")
_WORD = re.compile(r"\w+")
NUM_PERM = 128
SHINGLE = 5


def normalize_statement(text: str) -> str:
    """What two copies of one statement share: no whitespace, no TeX or Markdown punctuation, case folded."""
    return _NOISE.sub("", text).casefold()


def statement_hash(text: str) -> str:
    return hashlib.sha1(normalize_statement(text).encode()).hexdigest()


def solution_hash(code: str) -> str:
    """Whitespace-insensitive: reformatting a solution does not make it new."""
    return hashlib.sha1("".join(code.split()).encode()).hexdigest()


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signatures(texts: Iterable[str], num_perm: int = NUM_PERM) -> Iterator[MinHash]:
    """MinHash signatures; ``update_batch`` hashes a document's shingles in one vectorized call."""
    from datasketch import MinHash

    for text in texts:
        minhash = MinHash(num_perm=num_perm)
        grams = shingles(text)
        if grams:
            minhash.update_batch(list(grams))
        yield minhash


@dataclass
class Clusters:
    """Union-find over problem keys: exact groups and near-duplicate clusters."""

    parent: dict[int, int] = field(default_factory=dict)

    def find(self, item: int) -> int:
        root = item
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(item, item) != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class DedupResult:
    problems: int = 0
    with_statement: int = 0
    exact_groups: int = 0
    exact_duplicates: int = 0
    near_clusters: int = 0
    near_duplicates: int = 0
    threshold: float = 0.8
    rows: list[dict[str, object]] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "rows"}


_IMAGE_OR_LINK = re.compile(r"!?\[[^\]]*\]\([^)]*\)|https?://\S+")
_PLACEHOLDERS = ("statement is not available", "no statement", "see the pdf", "see pdf", "coming soon", "to be added")
MIN_WORDS = 12
"""A statement with fewer words (images and links aside) says too little to call two problems the same."""


def substantive(text: str) -> bool:
    """Enough of a statement to compare: not empty, not a placeholder ("statement is not available"), not only an
    image or a link to a PDF. Placeholders are shared by problems that have nothing else in common."""
    words = _WORD.findall(_IMAGE_OR_LINK.sub(" ", text).casefold())
    flat = " ".join(words)
    return len(words) >= MIN_WORDS and not any(phrase in flat and len(words) < 40 for phrase in _PLACEHOLDERS)


@dataclass(frozen=True)
class Identity:
    """What else says two problems are one, beyond their statements: their site key, name and sample inputs."""

    key: str = ""
    name: str = ""
    samples: frozenset[str] = frozenset()

    def same_problem(self, other: Identity) -> bool:
        """Two problems whose site keys and names both differ are one only if their samples agree too."""
        if self.key and self.key == other.key:
            return True
        if self.name and self.name == other.name:
            return True
        return bool(self.samples) and self.samples == other.samples


def find_clusters(
    statements: list[str], threshold: float, num_perm: int = NUM_PERM, identities: list[Identity] | None = None
) -> tuple[list[int], list[int], list[float]]:
    """For each statement: its exact-group root, its near-cluster root (indices into the list, earliest first),
    and its estimated similarity to that root. Statements that say too little (``substantive``) join nothing; with
    ``identities``, equal statements only merge when the problems' keys, names or samples agree too."""
    exact = Clusters()
    groups_by_hash: dict[str, list[int]] = {}
    usable = [substantive(text) for text in statements]
    for position, text in enumerate(statements):
        if not usable[position]:
            continue
        roots = groups_by_hash.setdefault(statement_hash(text), [])
        twin = next((r for r in roots if identities is None or identities[r].same_problem(identities[position])), None)
        if twin is not None:
            exact.union(twin, position)
        else:
            roots.append(position)
    near = Clusters()
    for position in range(len(statements)):
        near.union(exact.find(position), position)
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes: list[MinHash] = []
    for position, minhash in enumerate(signatures(statements, num_perm)):
        hashes.append(minhash)
        if exact.find(position) != position or not usable[position]:
            continue  # an exact twin (its group's root stands for it), or too little to compare
        for other in lsh.query(minhash):
            if minhash.jaccard(hashes[other]) >= threshold:
                near.union(other, position)
        lsh.insert(position, minhash)
    roots = [near.find(p) for p in range(len(statements))]
    similarity = [1.0 if exact.find(p) == exact.find(r) else float(hashes[p].jaccard(hashes[r])) for p, r in enumerate(roots)]
    return [exact.find(p) for p in range(len(statements))], roots, similarity


def _problems_by_release(store: Store) -> list[tuple[ProblemKey, str, datetime | None, Identity]]:
    """Every problem with a statement, earliest first (unknown dates last), then by key, with its identity."""
    _, rows = store.run_sql(
        'SELECT d.site, d.contest_id, d."index", d.statement, d.release_time, p.name, p.problem_id FROM problem_dated d '
        'JOIN problem p ON p.site = d.site AND p.contest_id = d.contest_id AND p."index" = d."index" '
        "WHERE d.statement IS NOT NULL"
    )
    samples: dict[ProblemKey, set[str]] = {}
    for site, contest_id, index, text in store.run_sql(
        "SELECT site, contest_id, \"index\", input FROM test WHERE kind = 'public' AND input IS NOT NULL"
    )[1]:
        samples.setdefault((site, contest_id, index), set()).add(" ".join(str(text).split()))
    items = []
    for site, contest_id, index, statement, released, name, problem_id in rows:
        when = datetime.fromisoformat(released) if isinstance(released, str) else released
        key = (site, contest_id, index)
        identity = Identity(
            f"{site}/{problem_id}" if problem_id else "",
            re.sub(r"^[A-Z0-9]{1,3}[.:]\s+", "", " ".join(str(name or "").split())).casefold(),  # "A. Sum" is "Sum"
            frozenset(samples.get(key, ())),
        )
        items.append((key, statement, when, identity))
    far = datetime.max.replace(tzinfo=None)
    items.sort(key=lambda item: ((item[2].replace(tzinfo=None) if item[2] else far), item[0]))
    return items


def run_dedup(store: Store, threshold: float = 0.8, num_perm: int = NUM_PERM) -> DedupResult:
    """Find exact groups and near-duplicate clusters among the store's problems and record them in problem_cluster."""
    import numpy as np

    items = _problems_by_release(store)
    result = DedupResult(problems=store.count("problem"), with_statement=len(items), threshold=threshold)
    exact_roots, near_roots, similarity = find_clusters(
        [statement for _, statement, _, _ in items], threshold, num_perm, [identity for *_, identity in items]
    )
    sizes = np.bincount(np.array(near_roots, dtype=np.int64), minlength=len(items)) if items else np.array([])
    exact_sizes = np.bincount(np.array(exact_roots, dtype=np.int64), minlength=len(items)) if items else np.array([])
    for position, (key, _, _, _) in enumerate(items):
        root = near_roots[position]
        if sizes[root] < 2:
            continue
        exact_root = exact_roots[position]
        result.rows.append(
            {
                "site": key[0],
                "contest_id": key[1],
                "index": key[2],
                "exact_group": key_name(items[exact_root][0]) if exact_sizes[exact_root] > 1 else None,
                "cluster": key_name(items[root][0]),
                "cluster_release": items[root][2],  # the root is the earliest member
                "similarity": round(similarity[position], 4),
            }
        )
    result.exact_groups = int((exact_sizes > 1).sum()) if len(items) else 0
    result.exact_duplicates = int(sum(s - 1 for s in exact_sizes if s > 1)) if len(items) else 0
    result.near_clusters = int((sizes > 1).sum()) if len(items) else 0
    result.near_duplicates = int(sum(s - 1 for s in sizes if s > 1)) - result.exact_duplicates if len(items) else 0
    store.replace_clusters(result.rows)
    return result
