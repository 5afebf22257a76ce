"""Verdicts: ``judge`` (output comparison, run jobs, the results cache in the store, the local executor),
``checkers`` (output and input validators, Kattis' default validator), ``interactive`` (solution and interactor
through pipes), ``verify`` (stored solutions against the sites' verdicts), ``validate`` (tests against their
validators), ``calibrate`` (a jury's time-limit rule, run here) and ``ray_executor`` (the same jobs on Ray).

May import: ``cpdata.schema`` and ``cpdata.curation.sandbox``. Test generation (``cpdata.curation.testgen``) uses
this package; nothing here imports it.
"""
