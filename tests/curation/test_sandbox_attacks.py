"""Attacks on the sandbox as they would run on a shared host: planted files, symlink swaps, fork bombs, ptrace,
unbounded memory and disk, silent fallback. Each is a real hostile program (C, C++, Python, Java) or a real
planted file; each test failed on the first sandbox."""

from __future__ import annotations

import os
import stat
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from cpdata.curation.judging.judge import Job, ResultCache, run_job
from cpdata.curation.sandbox.isolation import SandboxUnavailable, take_back
from cpdata.curation.sandbox.sandbox import RunLimits, RunStatus, Sandbox, language_supported
from cpdata.schema import Language, Store
from tests.curation.test_sandbox import SANDBOX, sandbox_processes

LIMITS = RunLimits(time_ms=1000, memory_bytes=128 << 20, output_bytes=1 << 20, file_bytes=16 << 20)
needs_isolation = pytest.mark.skipif(SANDBOX.mode != "bwrap", reason="bubblewrap is not installed: no namespace isolation here")
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="an attack on what root does; as a normal user there is no root to abuse")


def run(language: Language, code: str, stdin: bytes = b"", limits: RunLimits = LIMITS, sandbox: Sandbox = SANDBOX):  # type: ignore[no-untyped-def]
    if not language_supported(language):
        pytest.skip(f"{language} is not installed")
    program = sandbox.prepare(language, code)
    try:
        assert program.ok, program.compile_result
        return sandbox.run(program, stdin, limits)
    finally:
        sandbox.cleanup(program)


# -- 1. planted files and a shared, predictable root ---------------------------------------------------------------
def test_each_sandbox_has_a_fresh_private_root_and_ignores_a_planted_one(tmp_path: Path) -> None:
    planted = Path(tempfile.gettempdir()) / "cpdata-sandbox"  # where the first sandbox always put its root
    planted.mkdir(exist_ok=True)
    fake_runner = planted / f"runner-planted-{os.getuid()}"
    if os.access(planted, os.W_OK):  # (if another user made it first, theirs is the planted directory)
        fake_runner.write_text("#!/bin/sh\necho '0 1 1' >&$1\n")  # a runner that reports success whatever happened
        fake_runner.chmod(0o755)
    try:
        with Sandbox() as sandbox:
            info = os.lstat(sandbox.root)
            assert sandbox.root != planted and info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) == 0o711
            assert sandbox.runner.parent == sandbox.root
            result = run(Language.c, "int main(void){return 7;}", sandbox=sandbox)
            assert result.status is RunStatus.runtime_error and result.exit_code == 7
    finally:
        fake_runner.unlink(missing_ok=True)


@pytest.mark.parametrize("problem", ["world-writable", "symlink", "not ours"])
def test_a_configured_parent_that_others_could_tamper_with_is_refused(tmp_path: Path, problem: str) -> None:
    parent = tmp_path / "parent"
    parent.mkdir()
    if problem == "world-writable":
        parent.chmod(0o777)
    elif problem == "symlink":
        (tmp_path / "link").symlink_to(parent)
        parent = tmp_path / "link"
    else:
        if os.geteuid() != 0:
            pytest.skip("only root can give a directory away")
        os.chown(parent, 12345, 12345)
    with pytest.raises(SandboxUnavailable):
        Sandbox(parent=parent)


@as_root
def test_a_run_cannot_plant_anything_in_the_sandbox_root() -> None:
    with Sandbox(mode="rlimits", allow_unsafe=True) as sandbox:  # no namespaces: the root is reachable by path
        code = f"""
import os
for name in ("run-x", "build-x", "cpdata-runner"):
    try:
        os.symlink("/etc", os.path.join({str(sandbox.root)!r}, name))
        print("planted", name)
    except OSError as error:
        print("refused", name, error.errno)
"""
        result = run(Language.python3, code, sandbox=sandbox)
        assert result.stdout.decode().count("refused") == 3, result.stdout


# -- 2. symlinks out of a build directory -----------------------------------------------------------------------------
@as_root
@pytest.mark.parametrize("mode", ["bwrap", "rlimits"])
def test_a_symlink_planted_in_a_build_directory_reads_nothing(tmp_path: Path, mode: str) -> None:
    if mode == "bwrap" and SANDBOX.mode != "bwrap":
        pytest.skip("bubblewrap is not installed")
    secret = tmp_path / "secret"
    secret.write_text("root-only-s3cret")
    secret.chmod(0o600)
    with Sandbox(mode=mode, allow_unsafe=True) as sandbox:
        program = sandbox.prepare(
            Language.python3,
            "import os\nfor n in sorted(os.listdir(os.path.dirname(__file__))):\n"
            "    try: print(n, open(os.path.join(os.path.dirname(__file__), n)).read())\n"
            "    except OSError as e: print(n, 'refused', e.errno)",
        )
        (program.directory / "zz").symlink_to(secret)  # what a compile step running as the build's uid could leave
        take_back(program.directory)  # what prepare() does after every compile
        result = sandbox.run(program, b"", LIMITS)
        sandbox.cleanup(program)
    assert "s3cret" not in result.stdout.decode() and result.status is RunStatus.ok


# -- 3. fork bombs, shared process limits, and sandbox failures taken for verdicts -------------------------------------
def test_a_fork_bomb_does_not_fail_the_runs_beside_it() -> None:
    bomb = "#include <unistd.h>\nint main(void){for(;;)fork();}"
    results: dict[str, list[RunStatus]] = {"bomb": [], "good": []}

    def bombs() -> None:
        for _ in range(2):
            results["bomb"].append(run(Language.c, bomb, limits=RunLimits(time_ms=700)).status)

    def good() -> None:
        for _ in range(6):
            results["good"].append(run(Language.python3, "print(sum(range(10)))").status)

    threads = [threading.Thread(target=bombs), threading.Thread(target=good), threading.Thread(target=good)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["good"] == [RunStatus.ok] * 12, results
    assert all(s in (RunStatus.time_limit, RunStatus.runtime_error) for s in results["bomb"]), results
    assert sandbox_processes() == {}


def test_a_sandbox_failure_is_a_sandbox_error_retried_and_never_cached(tmp_path: Path) -> None:
    if SANDBOX.mode != "bwrap":
        pytest.skip("needs bubblewrap to fail")
    attempts = []

    class BrokenBwrap(Sandbox):
        def wrapper(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            attempts.append(1)
            command = super().wrapper(*args, **kwargs)
            return [command[0], "--bind", "/nonexistent-cpdata", "/x", *command[1:]]  # bwrap fails before the program

    with BrokenBwrap(mode="bwrap") as broken:
        attempts.clear()
        result = run(Language.python3, "print(1)", sandbox=broken)
        assert result.status is RunStatus.sandbox_error and "bwrap" in result.detail
        assert len(attempts) == 1 + broken.retries
        job = Job("k", Language.python3, "print(1)", [("h1", "")], LIMITS)
        job_result = run_job(broken, job)
    assert job_result.outcomes["h1"].status == "sandbox_error"
    with Store(tmp_path / "s.sqlite") as store:
        cache = ResultCache(store)
        cache.put(job_result)
        assert cache.get(job_result.solution, ["h1"], LIMITS) == {}  # asked again next time, not served back


# -- 4. ptrace of the measuring runner ----------------------------------------------------------------------------
PTRACE_PARENT = r"""
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>
int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);  /* it will be killed at the time limit: print as it goes */
    long r = ptrace(PTRACE_ATTACH, getppid(), 0, 0);
    printf("attach %ld %s\n", r, r == 0 ? "ok" : strerror(errno));
    FILE *f = fopen("/proc/self/../1/mem", "r");
    char path[64]; snprintf(path, sizeof path, "/proc/%d/fd", (int)getppid());
    printf("fds %s\n", access(path, R_OK) == 0 ? "readable" : "refused");
    if (f) fclose(f);
    volatile unsigned long x = 0; for (;;) x++;  /* and then burn CPU, hoping the forged report says 1 ms */
}
"""


def test_a_program_cannot_ptrace_its_runner_or_forge_its_time() -> None:
    result = run(Language.c, PTRACE_PARENT, limits=RunLimits(time_ms=500))
    out = result.stdout.decode()
    assert "attach -1" in out and "fds refused" in out, out
    assert result.status is RunStatus.time_limit and result.time_ms >= 400


# -- 5. memory and disk --------------------------------------------------------------------------------------------
JAVA_OFF_HEAP = """
import java.lang.reflect.Field;
public class Main {
    public static void main(String[] a) throws Exception {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
        long total = 0;
        for (int i = 0; i < 96; i++) {  // 1.5 GiB off the heap, touched page by page
            long block = u.allocateMemory(16L << 20);
            for (long o = 0; o < (16L << 20); o += 4096) u.putByte(block + o, (byte) 1);
            total += 16L << 20;
        }
        System.out.println("allocated " + (total >> 20) + " MiB");
    }
}
"""


def test_java_off_heap_memory_is_bounded() -> None:
    if SANDBOX.cgroups is None:
        pytest.skip("no cgroup here: Java is bounded by -Xmx only (cpdata doctor says so)")
    result = run(Language.java, JAVA_OFF_HEAP, limits=RunLimits(time_ms=10_000, memory_bytes=256 << 20))
    assert result.status is RunStatus.memory_limit and b"allocated" not in result.stdout, (result.status, result.detail)


def test_a_child_process_counts_against_the_memory_limit() -> None:
    if SANDBOX.cgroups is None:
        pytest.skip("no cgroup here")
    code = (
        "import subprocess, sys\n"
        "child = 'x = bytearray(400 << 20)\\nprint(len(x))'\n"
        "print(subprocess.run([sys.executable, '-c', child], capture_output=True).returncode)"
    )
    # the parent stays small; its child alone goes past the limit, outside the parent's RLIMIT_AS accounting
    result = run(Language.python3, code, limits=RunLimits(time_ms=5000, memory_bytes=192 << 20))
    assert b"419430400" not in result.stdout


@needs_isolation
@pytest.mark.parametrize("where", ["/tmp/big", "big"])
def test_tmp_and_the_working_directory_are_sized(where: str) -> None:
    code = f"""
written = 0
try:
    with open({where!r}, 'wb') as f:
        for _ in range(1024):
            f.write(b'x' * (1 << 20))
            written += 1 << 20
except OSError as error:
    print('stopped', error.errno)
print('written', written)
"""
    result = run(Language.python3, code, limits=RunLimits(time_ms=5000, file_bytes=16 << 20))
    written = int(result.stdout.decode().split("written")[1])
    assert written <= 16 << 20, result.stdout


# -- 6. no silent fallback --------------------------------------------------------------------------------------------
def test_running_without_isolation_is_refused_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CPDATA_UNSAFE_NO_ISOLATION", raising=False)  # as a user runs it, not as the suite may
    with pytest.raises(SandboxUnavailable, match="--unsafe-no-isolation"):
        Sandbox(mode="rlimits")
    with Sandbox(mode="rlimits", allow_unsafe=True) as unsafe:
        assert "NO ISOLATION" in unsafe.describe()
        assert run(Language.python3, "print(1)", sandbox=unsafe).stdout == b"1\n"


def test_a_missing_bubblewrap_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import cpdata.curation.sandbox.sandbox as sandbox_module

    monkeypatch.delenv("CPDATA_UNSAFE_NO_ISOLATION", raising=False)
    real_which = sandbox_module.shutil.which
    monkeypatch.setattr(sandbox_module.shutil, "which", lambda name: None if name == "bwrap" else real_which(name))
    with pytest.raises(SandboxUnavailable, match="not installed"):
        Sandbox()


def test_the_mode_is_described_at_the_start_of_every_run() -> None:
    text = SANDBOX.describe()
    assert text.startswith(f"sandbox: {SANDBOX.mode}")
    assert ("cgroup" in text) and ("uid" in text or "runs as you" in text)


# -- everything a run started is gone -------------------------------------------------------------------------------
def test_a_daemon_does_not_outlive_its_run() -> None:
    code = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(30)\nprint('parent done')"
    result = run(Language.python3, code)
    assert result.stdout == b"parent done\n"
    assert sandbox_processes() == {}
    assert subprocess.run(["pgrep", "-f", "time.sleep(30)"], capture_output=True).returncode != 0


def test_verify_refuses_to_run_without_isolation_and_says_how(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import cpdata.curation.sandbox.sandbox as sandbox_module
    from cpdata.cli import app

    monkeypatch.delenv("CPDATA_UNSAFE_NO_ISOLATION", raising=False)
    real_which = sandbox_module.shutil.which
    monkeypatch.setattr(sandbox_module.shutil, "which", lambda name: None if name == "bwrap" else real_which(name))
    Store(tmp_path / "s.sqlite").close()
    result = CliRunner().invoke(app, ["verify", "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2 and "--unsafe-no-isolation" in result.stderr and "bubblewrap" in result.stderr
    result = CliRunner().invoke(app, ["verify", "--db", str(tmp_path / "s.sqlite"), "--unsafe-no-isolation", "--json"])
    assert result.exit_code == 0 and "NO ISOLATION" in result.stderr


# -- 7. cpdata doctor --------------------------------------------------------------------------------------------
def test_doctor_says_what_this_machine_gives() -> None:
    import json
    import shutil

    from typer.testing import CliRunner

    from cpdata.cli import app

    result = CliRunner().invoke(app, ["doctor", "--json"])
    report = json.loads(result.stdout)
    assert (result.exit_code == 0) == (SANDBOX.mode == "bwrap")
    assert report["checks"]["bubblewrap"]["ok"] == (SANDBOX.mode == "bwrap")
    assert report["checks"]["cgroup"]["ok"] == (SANDBOX.cgroups is not None)
    assert report["checks"]["uid per run"]["ok"] == (os.geteuid() == 0)
    for tool, language in (("g++", "cpp"), ("javac", "java")):
        version = report["languages"][language][tool]
        assert (version is not None) == (shutil.which(tool) is not None)
        if version is None:
            assert any(m["what"] == tool for m in report["missing"])
