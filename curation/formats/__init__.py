"""Datasets on disk: ``codecontests`` (the CodeContests record and its enums, built from store entities),
``writers`` (JSONL and Parquet), ``export`` (``cpdata export codecontests``), ``importer`` (``cpdata import
codecontests``) and ``loader`` (``cpdata.load_dataset``).

May import: ``cpdata.schema`` and ``cpdata.curation.steps`` (an export is the curated pipeline written out).
``codecontests`` itself imports only ``cpdata.schema``, because the steps build records with it.
"""
