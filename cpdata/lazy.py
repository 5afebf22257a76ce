"""Lazy package exports (PEP 562), so that importing a package does not import everything it offers.

``import cpdata.scraper.cache`` runs ``cpdata/__init__``, ``cpdata/scraper/__init__`` first; if those imported
their whole public API, every command would pay for pyarrow, SQLAlchemy and all five site parsers at start-up.
Each package lists its public names with the module that defines them; a name is imported on first use.
For type checkers the packages import the same names under ``TYPE_CHECKING``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, namespace: dict[str, Any], exports: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for a package whose public names live in the modules ``exports`` maps them to."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        namespace[name] = value  # later lookups are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *exports})

    return __getattr__, __dir__
