"""The command groups of ``cpdata``, one module each, registered on the app by ``cpdata.cli``:

- ``scrape``: ``scrape``, ``parse``, ``reparse`` (sites into the store, pages into entity streams)
- ``store``: ``ingest``, ``sql``, ``stats``, ``migrate`` (the store itself)
- ``datasets``: ``export codecontests``, ``import codecontests`` (datasets on disk)
- ``curate``: ``curate dedup|contamination|run``, ``report`` (curation without writing a dataset)
- ``execution``: ``verify``, ``gen-tests``, ``validate``, ``doctor``, ``spec`` (running code in the sandbox)
- ``demo``: the offline demo

Each module imports only typer and light modules at the top; the packages that do the work (SQLAlchemy, pyarrow,
numpy, matplotlib, the site parsers) are imported inside the command that needs them, so that ``cpdata
--help`` and ``cpdata parse`` answer at once. ``options`` holds what the commands share.
"""
