"""A checktestdata script of ours checked against inputs in this process, by the checktestdata package.

Used where cpdata itself wrote the script (an inferred specification) and the inputs are data, never programs: a
specification is proved against every sample and official input before it is stored (``infer_spec``), and
``cpdata spec`` shows the result without starting a sandbox. A jury's script, like every program of a package,
still runs in the sandbox (``cpdata.curation.judging.checkers``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from types import CodeType
from typing import Any

__all__ = ["CompiledScript", "ScriptError"]

# checktestdata's library keeps the input being read in module globals: one check at a time in this process.
_LOCK = threading.Lock()


class ScriptError(ValueError):
    """checktestdata cannot read the script (a bug of ours, reported as the reason a specification is not used)."""


@dataclass(frozen=True)
class CompiledScript:
    text: str
    code: CodeType

    @classmethod
    def compile(cls, text: str) -> CompiledScript:
        from checktestdata.parser import parse
        from checktestdata.tokenizer import tokenize

        try:
            parser = parse(tokenize(text.encode()))
            return cls(text, compile(parser.python_code(), "<specification>", "exec"))
        except Exception as exc:  # the package raises its own tokenizer errors, ParserException and more
            raise ScriptError(f"checktestdata cannot read the specification: {exc}") from exc

    def rejection(self, data: str | bytes) -> str | None:
        """None when the script accepts the input, else checktestdata's message (where and what)."""
        import checktestdata.lib as lib
        from checktestdata.parser import parse
        from checktestdata.tokenizer import tokenize

        raw = data.encode() if isinstance(data, str) else data
        with _LOCK:
            # fresh variables for every input: the parser's globals hold the script's arrays and values
            names: dict[str, Any] = parse(tokenize(self.text.encode())).python_globals()

            def start() -> None:
                lib._reader = lib._Reader(raw)
                lib._constraints = lib._Constraints(None)

            names["init_lib"], names["finalize_lib"] = start, lambda: None
            try:
                exec(self.code, names)
            except lib.ValidationError as exc:
                return " ".join(str(exc).split())
            except (TypeError, ArithmeticError, IndexError, KeyError, RecursionError) as exc:
                # checktestdata reports type errors in the data (a string where a number goes) as TypeError
                return f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        return None
