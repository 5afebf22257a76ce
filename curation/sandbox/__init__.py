"""Running untrusted code safely: ``isolation`` (private directories, the native runner in ``native/``),
``sandbox`` (bubblewrap namespaces or rlimits, limits, compile and run), ``batch`` (many tests in one sandbox),
``cgroups``, ``uids`` (a uid per run), ``binaries`` (the content-addressed build cache), ``toolchains`` (compilers and
dialects) and ``doctor`` (what this machine enforces).

May import: ``cpdata.schema`` only. It knows programs, limits and run statuses, never verdicts about a problem:
judging (``cpdata.curation.judging``) and test generation (``cpdata.curation.testgen``) sit on top of it.
"""
