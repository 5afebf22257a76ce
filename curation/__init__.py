"""Curation: from a store to a dataset people can trust. Three jobs, one subpackage each, plus the report:

- ``steps/``: the curation pipeline (datatrove's shape): duplicate and near-duplicate problems, temporal splits,
  the solution filters, the filters that read execution results, test strength, and contamination checks.
- ``execution/``: running untrusted code: the sandbox, the judge (output comparison, run jobs, the results cache,
  executors), label verification and test generation.
- ``formats/``: datasets on disk: the CodeContests record, the JSONL/Parquet writers, export, import and the
  loader (``cpdata.load_dataset``).
- ``report``: a dataset card with plots, from the same curation as an export.
- ``evaluation``: a model's programs scored on a split (pass@k, AlphaCode's n@k), on top of ``execution`` and the
  pipeline.
- ``corpus/``: the pre-training corpus from git repositories (``cpdata corpus build``), dated and decontaminated.

Imports flow one way: ``execution`` imports only ``cpdata.schema``; ``steps`` imports ``execution`` (the results
cache) and ``formats.codecontests`` (the record it builds); the rest of ``formats`` imports ``steps``; ``report``,
``evaluation`` and ``corpus`` sit on top. Nothing here imports ``cpdata.scraper``. This ``__init__`` imports
nothing, so that a command pays only for the modules it uses.
"""
