"""Curation: from a store to a dataset people can trust. One job per subpackage, plus the report:

- ``steps/``: the curation pipeline (datatrove's shape): duplicate and near-duplicate problems, temporal splits,
  the solution filters, the filters that read execution results, test strength, and contamination checks.
- ``sandbox/``: running untrusted code: isolation, the runner, cgroups, uids, the binary cache, toolchains, doctor.
- ``judging/``: verdicts: the judge (output comparison, run jobs, the results cache, executors), checkers,
  interactors, label verification, validation and time-limit calibration.
- ``testgen/``: tests: statement reading, input specifications, drawing and mutation, jury generators, gen-tests.
- ``formats/``: datasets on disk: the CodeContests record, the JSONL/Parquet writers, export, import and the
  loader (``cpdata.load_dataset``).
- ``report``: a dataset card with plots, from the same curation as an export.
- ``evaluation``: a model's programs scored on a split (pass@k, AlphaCode's n@k), on top of ``judging`` and the
  pipeline.
- ``corpus/``: the pre-training corpus from git repositories (``cpdata corpus build``), dated and decontaminated.

Imports flow one way: ``sandbox`` imports only ``cpdata.schema``; ``judging`` imports ``sandbox``; ``testgen`` imports
``judging`` and ``sandbox``; ``steps`` imports ``judging`` (the results cache) and ``formats.codecontests`` (the
record it builds); the rest of ``formats`` imports ``steps`` and ``testgen`` (a package's jury generators);
``report``, ``evaluation`` and ``corpus`` sit on top. Nothing here imports ``cpdata.scraper``. This ``__init__``
imports nothing, so that a command pays only for the modules it uses.
"""
