"""cpdata: build CodeContests-like datasets of competitive-programming problems, and keep them fresh.

One import name holds it all: ``cpdata.schema`` (the data contract and the store), ``cpdata.scraper`` (the site
scrapers), ``cpdata.curation`` (curation steps, running code, dataset formats) and ``cpdata.cli`` (the command
line). What most users need is here::

    from cpdata import load_dataset
    train = load_dataset("out/", split="train")

These names load on first use (``cpdata.lazy``): the loader brings pyarrow and the curation pipeline with it, and
a command that does not need them should not wait for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cpdata.lazy import lazy_exports

if TYPE_CHECKING:
    from cpdata.curation.formats.codecontests import CodeContestsRecord, Duration, SolutionsField, TestsField
    from cpdata.curation.formats.loader import DatasetCorrupt, DatasetNotFound, load_dataset
    from cpdata.version import __version__
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        globals(),
        {
            "load_dataset": "cpdata.curation.formats.loader",
            "DatasetNotFound": "cpdata.curation.formats.loader",
            "DatasetCorrupt": "cpdata.curation.formats.loader",
            "CodeContestsRecord": "cpdata.curation.formats.codecontests",
            "Duration": "cpdata.curation.formats.codecontests",
            "SolutionsField": "cpdata.curation.formats.codecontests",
            "TestsField": "cpdata.curation.formats.codecontests",
            "__version__": "cpdata.version",  # reading package metadata costs ~40 ms: only when asked
        },
    )

__all__ = [
    "CodeContestsRecord",
    "DatasetCorrupt",
    "DatasetNotFound",
    "Duration",
    "SolutionsField",
    "TestsField",
    "__version__",
    "load_dataset",
]
