"""Many tests in one sandbox: the same statuses as one sandbox per test, on the same real and hostile programs, and
nothing of test k left for test k+1."""

from __future__ import annotations

import pytest

from cpdata.curation.sandbox.sandbox import RunLimits, RunStatus, language_supported
from cpdata.schema import Language
from tests.curation.test_sandbox import CASES, EXPECTED, LIMITS, PROGRAMS, SANDBOX, sandbox_processes

HOSTILE = {
    "fork bomb": (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        RunLimits(time_ms=500),
    ),
    "sleeper": ("import time\ntime.sleep(60)", RunLimits(time_ms=300, wall_factor=2.0)),
    "output flood": ("import sys\nwhile True:\n    sys.stdout.write('x' * (1 << 20))", RunLimits(output_bytes=4 << 20)),
    "memory hog": ("x = []\nwhile True:\n    x.append(bytearray(16 << 20))", RunLimits(memory_bytes=128 << 20)),
    "network": ("import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=2)", LIMITS),
    "kills its runner": ("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('still here')", LIMITS),
}


@pytest.mark.parametrize(("language", "kind"), CASES, ids=[f"{lang}-{kind}" for lang, kind in CASES])
def test_a_batch_gives_the_statuses_one_run_per_test_gives(language: Language, kind: str) -> None:
    if not language_supported(language):
        pytest.skip(f"{language} is not installed")
    program = SANDBOX.prepare(language, PROGRAMS[language][kind])
    try:
        inputs = [b"10 3\n", b"1 2\n", b"10 3\n"]
        batched = SANDBOX.run_batch(program, inputs, LIMITS)
        single = [SANDBOX.run(program, inputs[0], LIMITS)]
    finally:
        SANDBOX.cleanup(program)
    assert [r.status for r in batched] == [EXPECTED[kind]] * 3 == [single[0].status] * 3, [(r.status, r.detail) for r in batched]
    if kind == "correct":  # each test's own output, not its neighbour's
        assert batched[0].stdout == single[0].stdout == batched[2].stdout != batched[1].stdout


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_programs_get_the_same_status_batched(name: str) -> None:
    code, limits = HOSTILE[name]
    program = SANDBOX.prepare(Language.python3, code)
    try:
        single = SANDBOX.run(program, b"", limits)
        batched = SANDBOX.run_batch(program, [b"", b""], limits)
    finally:
        SANDBOX.cleanup(program)
    assert [r.status for r in batched] == [single.status, single.status], (single.detail, [r.detail for r in batched])
    assert single.status is not RunStatus.ok and single.status is not RunStatus.sandbox_error
    assert sandbox_processes() == {}


def test_nothing_of_one_test_survives_into_the_next() -> None:
    code = """
import os, sys, time
test = sys.stdin.read().strip()
if test == "first":
    open("left-behind.txt", "w").write("x")
    open("/tmp/left-behind.txt", "w").write("x")
    if os.fork() == 0:
        os.setsid()
        time.sleep(30)
    print("planted")
else:
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    print(sorted(os.listdir(".")), sorted(os.listdir("/tmp")), len(pids), os.readlink("/proc/self/fd/0"))
"""
    if SANDBOX.mode != "bwrap":
        pytest.skip("needs bubblewrap's PID namespace to count what is left")
    program = SANDBOX.prepare(Language.python3, code)
    try:
        first, second = SANDBOX.run_batch(program, [b"first\n", b"second\n"], LIMITS)
    finally:
        SANDBOX.cleanup(program)
    assert first.stdout == b"planted\n"
    out = second.stdout.decode()
    assert out.startswith("[] [] "), out  # no file in the working directory or /tmp
    assert int(out.split()[2]) <= 3, out  # init, the runner, and this test: the sleeper is gone
    assert "memfd:stdin" in out  # its input is a memfd, not a file any test could open


def test_a_batch_of_many_tests_keeps_them_in_order() -> None:
    program = SANDBOX.prepare(Language.python3, "print(int(input()) * 2)")
    try:
        results = SANDBOX.run_batch(program, [f"{i}\n".encode() for i in range(50)], LIMITS)
    finally:
        SANDBOX.cleanup(program)
    assert [r.stdout for r in results] == [f"{2 * i}\n".encode() for i in range(50)]
