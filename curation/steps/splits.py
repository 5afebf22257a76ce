"""Temporal splits by release date, so that a model is never tested on problems older than its training data.

Defaults are CodeContests' (paper section 3.2): train up to 2021-07-14, valid from 2021-07-15, test from
2021-09-21. Cutoffs are UTC midnights and inclusive: a problem released exactly at a cutoff belongs to the later
split. A problem whose date is unknown is never "recent": it goes to train.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum

__all__ = ["DEFAULT_CUTOFFS", "Split", "SplitCutoffs", "assign_split"]


class Split(StrEnum):
    train = "train"
    valid = "valid"
    test = "test"


@dataclass(frozen=True)
class SplitCutoffs:
    valid_from: date = date(2021, 7, 15)
    test_from: date = date(2021, 9, 21)

    def __post_init__(self) -> None:
        if self.test_from < self.valid_from:
            raise ValueError(f"test cutoff {self.test_from} is before the valid cutoff {self.valid_from}")

    @property
    def valid_start(self) -> datetime:
        return datetime.combine(self.valid_from, time(0), tzinfo=UTC)

    @property
    def test_start(self) -> datetime:
        return datetime.combine(self.test_from, time(0), tzinfo=UTC)

    def as_dict(self) -> dict[str, str]:
        return {"valid_from": self.valid_from.isoformat(), "test_from": self.test_from.isoformat()}


DEFAULT_CUTOFFS = SplitCutoffs()


_ORDER = {Split.train: 0, Split.valid: 1, Split.test: 2}


def assign_split(released: datetime | None, cutoffs: SplitCutoffs = DEFAULT_CUTOFFS, floor: str | None = None) -> Split:
    """The split of a release date; ``floor`` (a problem's ``split_floor``, e.g. CodeContests' own valid or test)
    is the earliest split it may land in, whatever the date says: another dataset's evaluation problems never
    become our training data."""
    by_date = _by_date(released, cutoffs)
    if floor is None:
        return by_date
    lowest = Split(floor)
    return lowest if _ORDER[lowest] > _ORDER[by_date] else by_date


def _by_date(released: datetime | None, cutoffs: SplitCutoffs) -> Split:
    if released is None:
        return Split.train
    if released.tzinfo is None:
        released = released.replace(tzinfo=UTC)
    if released >= cutoffs.test_start:
        return Split.test
    if released >= cutoffs.valid_start:
        return Split.valid
    return Split.train
