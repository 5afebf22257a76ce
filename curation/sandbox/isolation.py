"""Files and directories of the sandbox, safe against a local user who plants or swaps them while we run as root.

Rules (each one answers an attack that worked on the first sandbox):
- every directory the sandbox uses is created fresh by ``mkdtemp`` (owned by us, mode 0700); one that is reused (a
  configured root, the runner cache, the uid lock directory) must be ours, not a symlink, and writable by nobody
  else, or it is refused;
- nothing is followed through a symlink: ownership changes use ``lchown``, walks use ``follow_symlinks=False``,
  and after untrusted code has written into a directory, anything in it that is not a plain file or directory is
  deleted before we touch it again;
- the measuring runner is compiled into a private cache, copied into each fresh sandbox root, and its SHA-256 is
  checked against the one recorded when it was built before it is used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

__all__ = [
    "RUNNER_SOURCE",
    "SandboxUnavailable",
    "hand_over",
    "install_runner",
    "private_cache",
    "private_directory",
    "take_back",
    "verify_private",
]

RUNNER_SOURCE = Path(__file__).resolve().parent / "native" / "runner.c"


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run code safely here (an unsafe directory, no isolation, no compiler for the runner)."""


def verify_private(path: Path, *, owner: int | None = None, traversable: bool = False) -> None:
    """Refuse a directory that is a symlink, is not ours, or that anybody else may write (or, unless
    ``traversable``, enter)."""
    owner = os.geteuid() if owner is None else owner
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise SandboxUnavailable(f"{path} does not exist") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise SandboxUnavailable(f"{path} is not a plain directory (a symlink or a file): refusing to use it")
    if info.st_uid != owner:
        raise SandboxUnavailable(f"{path} belongs to uid {info.st_uid}, not {owner}: refusing to use it (remove it)")
    allowed = 0o711 if traversable else 0o700
    if info.st_mode & 0o777 & ~allowed:
        raise SandboxUnavailable(f"{path} has mode {info.st_mode & 0o777:o}; at most {allowed:o} is safe (chmod it)")


def private_directory(prefix: str, parent: Path | None = None, *, traversable: bool = False) -> Path:
    """A fresh directory only we can write: 0700, or 0711 when other uids must pass through it to their own."""
    directory = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    if traversable:
        os.chmod(directory, 0o711)
    verify_private(directory, traversable=traversable)
    return directory


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    with os.scandir(directory) as found:
        return list(found)


def hand_over(directory: Path, uid: int, gid: int) -> None:
    """Give a directory we created (and the plain files we put in it) to the uid that will run in it."""
    for entry in _entries(directory):
        if entry.is_file(follow_symlinks=False) or entry.is_dir(follow_symlinks=False):
            os.lchown(entry.path, uid, gid)
    os.lchown(directory, uid, gid)
    os.chmod(directory, 0o700, follow_symlinks=False)


def take_back(directory: Path) -> None:
    """After untrusted code wrote into ``directory`` (a compiler's build directory): delete what is not a plain file
    or directory (symlinks, fifos, sockets, devices), make the rest ours, and read-only for everybody else."""
    me, group = os.geteuid(), os.getegid()
    for root, dirs, files in os.walk(directory, topdown=True, followlinks=False):
        descend = []
        for name in [*dirs, *files]:
            path = os.path.join(root, name)
            info = os.lstat(path)
            if stat.S_ISDIR(info.st_mode):
                os.lchown(path, me, group)
                os.chmod(path, 0o755, follow_symlinks=False)
                descend.append(name)
            elif stat.S_ISREG(info.st_mode):
                os.lchown(path, me, group)
                os.chmod(path, 0o755 if info.st_mode & 0o111 else 0o644, follow_symlinks=False)
            else:
                os.unlink(path)
        dirs[:] = descend
    os.lchown(directory, me, group)
    os.chmod(directory, 0o755, follow_symlinks=False)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def private_cache(name: str, override: str | os.PathLike[str] | None = None) -> Path:
    """``~/.cache/cpdata/<name>`` (``$XDG_CACHE_HOME``), or ``override``: created 0700, refused if not private."""
    if override:
        directory = Path(override)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cpdata"
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        directory = base / name
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=0o700)
    verify_private(directory)
    return directory


def install_runner(root: Path) -> Path:
    """The runner binary inside ``root`` (a fresh private directory): built once per source version into the
    private cache, copied here, and used only if its hash is the one recorded when it was built."""
    source = RUNNER_SOURCE.read_bytes()
    version = hashlib.sha256(source).hexdigest()[:16]
    cache = private_cache("runner")
    binary, recorded = cache / f"runner-{version}", cache / f"runner-{version}.sha256"
    if not (binary.is_file() and recorded.is_file() and _sha256(binary) == recorded.read_text().strip()):
        temporary = cache / f"runner-{version}.tmp{os.getpid()}"
        built = subprocess.run(
            ["gcc", "-O2", "-o", str(temporary), str(RUNNER_SOURCE)], capture_output=True, text=True, check=False
        )
        if built.returncode != 0:
            raise SandboxUnavailable(f"cannot build the sandbox's run helper with gcc: {built.stderr.strip()[:500]}")
        os.chmod(temporary, 0o755)
        recorded.write_text(_sha256(temporary))
        os.replace(temporary, binary)
    expected = recorded.read_text().strip()
    installed = root / "cpdata-runner"
    shutil.copyfile(binary, installed, follow_symlinks=False)
    os.chmod(installed, 0o755)
    if _sha256(installed) != expected:
        raise SandboxUnavailable(f"the run helper in {cache} does not match its recorded hash: refusing to use it")
    return installed
