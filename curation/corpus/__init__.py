"""The pre-training corpus (``cpdata corpus build``): AlphaCode's GitHub set, rebuilt from git repositories with a
date and no leaks.

``sources`` (git repositories, bundles and archives, read from git objects at a commit as of a date), ``filters``
(AlphaCode's file filters, each counting what it dropped and why), ``contamination`` (files that contain a solution
of a valid or test problem), ``build`` (the resumable build: one unit of work per source, then the corpus-wide
duplicate stages, then Parquet shards with a manifest and a card) and ``ray_build`` (the per-source stage on Ray).

May import: ``cpdata.schema``; ``cpdata.curation.steps`` (near duplicates use the same MinHash machinery as
problems; the store's valid and test splits come from the curation pipeline); ``cpdata.curation.formats`` (atomic
output directories, checksums); ``cpdata.curation.judging`` (the Ray connection).
"""
