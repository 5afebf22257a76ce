"""Running untrusted code: ``sandbox`` (bubblewrap namespaces or rlimits, limits, the native runner in ``native/``),
``judge`` (output comparison, run jobs, executors, the results cache in the store), ``verify`` (run stored
solutions and compare with the sites' verdicts) and ``generate`` (CodeContests-style generated tests).

May import: ``cpdata.schema`` only. The curation steps read what this package stores; nothing here imports them.
"""
