"""Curation: from a store to a dataset people can trust (splits, the CodeContests export, the loader)."""

from curation.codecontests import CodeContestsRecord, build_record
from curation.export import ExportResult, export_codecontests
from curation.loader import DatasetNotFound, load_dataset
from curation.splits import DEFAULT_CUTOFFS, Split, SplitCutoffs, assign_split

__all__ = [
    "DEFAULT_CUTOFFS",
    "CodeContestsRecord",
    "DatasetNotFound",
    "ExportResult",
    "Split",
    "SplitCutoffs",
    "assign_split",
    "build_record",
    "export_codecontests",
    "load_dataset",
]
