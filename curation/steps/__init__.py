"""The curation pipeline: a list of steps, each taking a stream of items (a problem with its tests and solutions)
and yielding what it keeps, counting every drop with its reason (``base``).

``dedup`` finds exact and near-duplicate problems; ``splits`` assigns train/valid/test by release date;
``filters`` holds the steps every export runs (languages, sizes, duplicate solutions, merged duplicates, the date
window); ``strength`` the steps that read execution results (AlphaCode's execution filters, the evaluation test
requirement, test strength); ``pipeline`` puts them in order; ``contamination`` reports duplicates across splits
and against external datasets.

May import: ``cpdata.schema``, ``cpdata.curation.judging`` and ``cpdata.curation.sandbox`` (read-only use of the
results cache) and
``cpdata.curation.formats.codecontests`` (the record a curated item becomes). Never runs a program from a site or a
package itself (dedup may hash samples in a second Python process of ours: ``sample_digests``).
"""
