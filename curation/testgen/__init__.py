"""Tests: ``statement`` (reading a statement's Input and Constraints as a contestant does: sections, bounds,
names, hints), ``layout`` (the structure the known inputs share), ``builder`` (the two joined), ``specification``
(the result: one definition that writes its checktestdata script), ``spec`` (``infer_spec``: proved against every
known input), ``structures`` (trees, graphs, permutations, sorted and distinct values), ``draw`` (inputs from a
specification), ``ctdgen`` (inputs from a jury's checktestdata script), ``ctdcheck`` (our scripts checked in this
process), ``coverage`` (``cpdata spec --all``), ``generate`` (``cpdata gen-tests``: draws, mutations, the agreement
vote) and ``jurygen`` (a jury package's own generators).

May import: ``cpdata.schema``, ``cpdata.curation.sandbox`` and ``cpdata.curation.judging`` (arrows run down: test
generation uses judging uses the sandbox).
"""
