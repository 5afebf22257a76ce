"""Tests: ``statement`` (reading a statement's Input and Constraints as a contestant does: sections, bounds,
names, structures), ``spec`` (an input specification from the statement and the known inputs, checked against
every one of them), ``ctdgen`` (a checktestdata script as a generator), ``structures`` (trees, graphs, permutations
and the other shapes a script cannot draw alone), ``generate`` (``cpdata gen-tests``: draws, mutations, the
agreement vote) and ``jurygen`` (a jury package's own generators).

May import: ``cpdata.schema``, ``cpdata.curation.sandbox`` and ``cpdata.curation.judging`` (arrows run down: test
generation uses judging uses the sandbox).
"""
