"""Contamination checks. (1) Inside the store: duplicate clusters whose members' own dates fall in different splits;
the cluster is assigned by its earliest member, so a later copy is moved out of valid/test, and this report says
which. (2) Against an external dataset (CodeContests, or an export of ours): which of our valid and test problems
also appear there, exactly (normalized statement) or nearly (bigram Jaccard at the threshold, candidates by
MinHash LSH, as in ``dedup``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpdata.curation.formats.codecontests import iter_codecontests_rows, release_time, split_of_file
from cpdata.curation.steps.dedup import MinHasher, candidate_pairs, jaccard, statement_hash
from cpdata.curation.steps.pipeline import iter_items
from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, SplitCutoffs, assign_split
from cpdata.schema import Store, key_name

__all__ = ["ContaminationReport", "check_against", "crossing_pairs"]


def crossing_pairs(store: Store, cutoffs: SplitCutoffs = DEFAULT_CUTOFFS) -> list[dict[str, Any]]:
    """Problems whose own date would put them in a later split than their duplicate cluster's earliest member."""
    clusters = store.clusters()
    pairs = []
    for item in iter_items(store):
        info = clusters.get(item.key)
        if info is None:
            continue
        own = assign_split(release_time(item.problem, item.contest), cutoffs).value
        assigned = assign_split(item.released, cutoffs, item.problem.split_floor).value
        if own != assigned:
            pairs.append(
                {
                    "problem": key_name(item.key),
                    "own_split": own,
                    "assigned_split": assigned,
                    "duplicate_of": info.cluster,
                    "kind": "exact" if info.exact_group else "near",
                    "similarity": info.similarity,
                }
            )
    return pairs


@dataclass
class ContaminationReport:
    external: str
    external_records: int = 0
    checked: Counter[str] = field(default_factory=Counter)
    matches: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        found = Counter(m["our_split"] for m in self.matches)
        return {
            "external": self.external,
            "external_records": self.external_records,
            "checked": dict(self.checked),
            "contaminated": dict(found),
            "matches": self.matches,
        }


def check_against(
    store: Store,
    external: Path,
    threshold: float = 0.8,
    cutoffs: SplitCutoffs = DEFAULT_CUTOFFS,
    splits: tuple[str, ...] = ("valid", "test"),
) -> ContaminationReport:
    """Which of our problems in ``splits`` also appear in the external dataset."""
    report = ContaminationReport(str(external))
    exact: dict[str, str] = {}
    names: dict[int, str] = {}
    texts: list[str] = []
    rows_in: Counter[Path] = Counter()
    for file, row in iter_codecontests_rows(external):
        rows_in[file] += 1  # the row's own number in its file (1-based), rows without a statement included
        text = row.get("description") or ""
        if not text:
            continue
        label = f"{file.name}:{rows_in[file]} {row.get('name') or ''}".strip()
        exact.setdefault(statement_hash(text), label)
        names[len(texts)] = f"{label} ({split_of_file(file) or 'unknown split'})"
        texts.append(text)
        report.external_records += 1
    ours = [
        (split, item)
        for item in iter_items(store)
        if (split := assign_split(item.released, cutoffs, item.problem.split_floor).value) in splits and item.problem.statement
    ]
    near: dict[int, tuple[float, int]] = {}  # ours -> (similarity, the most similar external statement)
    if texts and ours:
        import numpy as np

        hasher = MinHasher(threshold)
        keys = np.vstack([hasher.band_keys(texts), hasher.band_keys(item.problem.statement or "" for _, item in ours)])
        for external_row, our_row in candidate_pairs(keys):
            if external_row >= len(texts) or our_row < len(texts):
                continue  # two of theirs, or two of ours: not what is asked
            mine = our_row - len(texts)
            similarity = jaccard(ours[mine][1].problem.statement or "", texts[external_row])
            if similarity >= threshold and similarity > near.get(mine, (0.0, 0))[0]:
                near[mine] = (similarity, external_row)
    for position, (split, item) in enumerate(ours):
        report.checked[split] += 1
        digest = statement_hash(item.problem.statement or "")
        if digest in exact:
            report.matches.append({"problem": key_name(item.key), "our_split": split, "kind": "exact", "external": exact[digest]})
        elif position in near:
            similarity, best = near[position]
            report.matches.append(
                {
                    "problem": key_name(item.key),
                    "our_split": split,
                    "kind": "near",
                    "similarity": round(similarity, 3),
                    "external": names[best],
                }
            )
    return report
