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
    "find_clusters",
    "normalize_statement",
    "run_dedup",
    "shingles",
    "signatures",
    "solution_hash",
    "statement_hash",
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


def find_clusters(statements: list[str], threshold: float, num_perm: int = NUM_PERM) -> tuple[list[int], list[int], list[float]]:
    """For each statement: its exact-group root, its near-cluster root (indices into the list, earliest first),
    and its estimated similarity to that root."""
    exact = Clusters()
    first_by_hash: dict[str, int] = {}
    for position, text in enumerate(statements):
        digest = statement_hash(text)
        if digest in first_by_hash:
            exact.union(first_by_hash[digest], position)
        else:
            first_by_hash[digest] = position
    near = Clusters()
    for position in range(len(statements)):
        near.union(exact.find(position), position)
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes: list[MinHash] = []
    for position, minhash in enumerate(signatures(statements, num_perm)):
        hashes.append(minhash)
        if exact.find(position) != position:
            continue  # an exact twin: its group's root stands for it in the index
        for other in lsh.query(minhash):
            if minhash.jaccard(hashes[other]) >= threshold:
                near.union(other, position)
        lsh.insert(position, minhash)
    roots = [near.find(p) for p in range(len(statements))]
    similarity = [1.0 if exact.find(p) == exact.find(r) else float(hashes[p].jaccard(hashes[r])) for p, r in enumerate(roots)]
    return [exact.find(p) for p in range(len(statements))], roots, similarity


def _problems_by_release(store: Store) -> list[tuple[ProblemKey, str, datetime | None]]:
    """Every problem with a statement, earliest first (unknown dates last), then by key."""
    _, rows = store.run_sql(
        'SELECT site, contest_id, "index", statement, release_time FROM problem_dated WHERE statement IS NOT NULL'
    )
    items = []
    for site, contest_id, index, statement, released in rows:
        when = datetime.fromisoformat(released) if isinstance(released, str) else released
        items.append(((site, contest_id, index), statement, when))
    far = datetime.max.replace(tzinfo=None)
    items.sort(key=lambda item: ((item[2].replace(tzinfo=None) if item[2] else far), item[0]))
    return items


def run_dedup(store: Store, threshold: float = 0.8, num_perm: int = NUM_PERM) -> DedupResult:
    """Find exact groups and near-duplicate clusters among the store's problems and record them in problem_cluster."""
    import numpy as np

    items = _problems_by_release(store)
    result = DedupResult(problems=store.count("problem"), with_statement=len(items), threshold=threshold)
    exact_roots, near_roots, similarity = find_clusters([statement for _, statement, _ in items], threshold, num_perm)
    sizes = np.bincount(np.array(near_roots, dtype=np.int64), minlength=len(items)) if items else np.array([])
    exact_sizes = np.bincount(np.array(exact_roots, dtype=np.int64), minlength=len(items)) if items else np.array([])
    for position, (key, _, _) in enumerate(items):
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
