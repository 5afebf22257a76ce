"""Run the benchmarks: ``python -m bench`` (all) or ``python -m bench ingest export`` (some)."""

from __future__ import annotations

import importlib
import json
import sys

BENCHMARKS = ["startup", "ingest", "export", "parse", "rate", "dedup", "sandbox", "gentests", "spec", "strength", "corpus"]


def main(argv: list[str]) -> None:
    chosen = argv or BENCHMARKS
    results = {}
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}: {module.__doc__.strip().splitlines()[0]}", file=sys.stderr)
        results[name] = module.run()
        print(json.dumps(results[name], indent=2), file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
