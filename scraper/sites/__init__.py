"""One module per site. A new site is a module here, one line in ``cpdata.scraper.registry``, and its fixtures."""
