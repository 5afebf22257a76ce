"""Site scrapers: the polite fetcher, the page cache, the crawl loop and one module per site."""
