"""cpdata command line."""
