"""Errors of the store, in a module of their own so that the store and its migrations can both raise them."""

from __future__ import annotations

__all__ = ["StoreError", "StoreLocked"]


class StoreError(RuntimeError):
    """The store cannot be opened or used as asked (bad URL, newer schema, ...)."""


class StoreLocked(StoreError):
    """Another process held the store's write lock for longer than we wait (``$CPDATA_LOCK_TIMEOUT``)."""
