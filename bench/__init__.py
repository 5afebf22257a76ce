"""Benchmarks. Each compares cpdata with a baseline in the same run and reports a ratio. Run: python -m bench [NAME]."""
