"""``cpdata doctor``: what this machine gives the sandbox, and what is missing with the package that brings it.

It checks by doing, not by reading versions alone: bubblewrap is asked to make the namespaces a run uses, the
runner's seccomp filter is installed for real, and a cgroup is made and removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpdata.curation.sandbox.cgroups import Cgroups
from cpdata.curation.sandbox.isolation import SandboxUnavailable, install_runner, private_directory

__all__ = ["Check", "MachineReport", "examine"]

# Debian/Ubuntu package names for what the sandbox needs.
_PACKAGES = {
    "bwrap": "bubblewrap",
    "gcc": "gcc",
    "g++": "g++",
    "python3": "python3",
    "javac": "default-jdk-headless",
    "java": "default-jdk-headless",
}
_TOOLS = {"cpp": ["g++"], "c": ["gcc"], "python3": ["python3"], "java": ["javac", "java"]}


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class MachineReport:
    checks: list[Check] = field(default_factory=list)
    languages: dict[str, dict[str, str | None]] = field(default_factory=dict)
    missing: list[dict[str, str]] = field(default_factory=list)

    @property
    def isolated(self) -> bool:
        return any(c.name == "bubblewrap" and c.ok for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "isolation": "bwrap" if self.isolated else "none (runs need --unsafe-no-isolation)",
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in self.checks},
            "languages": self.languages,
            "missing": self.missing,
        }


def _version(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else None


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def _bubblewrap() -> Check:
    path = shutil.which("bwrap")
    if path is None:
        return Check("bubblewrap", False, "not installed: no namespaces, so untrusted code can reach the network and files")
    probe = ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev"]
    for link in ("/bin", "/lib", "/lib64"):
        if os.path.islink(link):
            probe += ["--symlink", os.readlink(link), link]
    probe += ["--size", str(1 << 20), "--tmpfs", "/tmp", "/usr/bin/true"]
    done = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=False)
    version = _version(["bwrap", "--version"]) or "?"
    if done.returncode != 0:
        return Check("bubblewrap", False, f"{version} at {path} cannot make namespaces here: {done.stderr.strip()[:300]}")
    return Check("bubblewrap", True, f"{version}: user, mount, network, PID, IPC and UTS namespaces; sized tmpfs mounts")


def _user_namespaces() -> Check:
    limit = _read("/proc/sys/user/max_user_namespaces")
    clone = _read("/proc/sys/kernel/unprivileged_userns_clone")
    apparmor = _read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
    ok = limit not in (None, "0") and clone != "0" and apparmor != "1"
    detail = f"max_user_namespaces={limit}" + (f", unprivileged_userns_clone={clone}" if clone is not None else "")
    if apparmor == "1":
        detail += ", AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)"
    return Check("user namespaces", ok, detail)


def _cgroups() -> Check:
    found = Cgroups.detect()
    if found is None:
        return Check(
            "cgroup",
            False,
            "no writable cgroup with memory and pids controllers: memory is bounded by RLIMIT_AS only (not Java's "
            "off-heap memory or child processes), processes by RLIMIT_NPROC",
        )
    run = found.create(64 << 20, 64)
    run.remove()
    return Check("cgroup", True, f"{found.describe()}: hard memory limit without swap, process limit, peak memory")


def _seccomp(root: Path) -> Check:
    status = _read("/proc/self/status") or ""
    if "Seccomp:" not in status:
        return Check("seccomp", False, "this kernel has no seccomp: a program could ptrace its measuring runner")
    runner = install_runner(root)
    read, write = os.pipe()
    try:
        done = subprocess.run([str(runner), str(write), "/usr/bin/true"], pass_fds=(write,), capture_output=True, text=True)
    finally:
        os.close(write)
        os.close(read)
    if done.returncode != 0:
        return Check("seccomp", False, f"the runner's filter could not be installed: {done.stderr.strip()[:200]}")
    return Check("seccomp", True, "ptrace and cross-process memory access refused; the runner is not dumpable")


def _uids() -> Check:
    if os.geteuid() == 0:
        from cpdata.curation.sandbox.uids import DEFAULT_UID_RANGE, ENV_UIDS

        chosen = os.environ.get(ENV_UIDS) or "-".join(map(str, DEFAULT_UID_RANGE))
        return Check("uid per run", True, f"root: each run gets its own uid from {chosen} (${ENV_UIDS})")
    return Check("uid per run", False, f"not root: runs share your uid {os.getuid()} (and its process limit)")


def examine() -> MachineReport:
    report = MachineReport()
    report.checks += [_bubblewrap(), _user_namespaces(), _cgroups(), _uids()]
    try:
        root = private_directory("cpdata-doctor-")
    except OSError as exc:
        report.checks.append(Check("seccomp", False, f"no private directory to test in: {exc}"))
    else:
        try:
            report.checks.append(_seccomp(root))
        except SandboxUnavailable as exc:
            report.checks.append(Check("seccomp", False, str(exc)))
        finally:
            shutil.rmtree(root, ignore_errors=True)
    seen_missing = set()
    for language, tools in _TOOLS.items():
        versions: dict[str, str | None] = {}
        for tool in tools:
            where = shutil.which(tool)
            versions[tool] = _version([tool, "-version" if tool in ("java", "javac") else "--version"]) if where else None
            if where is None and tool not in seen_missing:
                seen_missing.add(tool)
                report.missing.append({"what": tool, "for": language, "package": _PACKAGES[tool]})
        report.languages[language] = versions
    for check in report.checks:
        if check.name == "bubblewrap" and not check.ok and shutil.which("bwrap") is None:
            report.missing.insert(0, {"what": "bwrap", "for": "isolation", "package": _PACKAGES["bwrap"]})
    return report
