"""Locks and whole-or-absent output folders.

Two guarantees that every command writing files for a user relies on:

**One writer at a time.** :func:`hold_lock` takes an exclusive lock on a lock file (an
``flock`` on POSIX, taken atomically by the kernel and released by it when the holder exits or
is killed, so a dead holder's lock is taken over by the next command). The file holds the
holder's pid, host, command and start time, so a second command refused with
:class:`LockHeldError` (exit code 2) can say who holds it. The lock file is removed on release.

**Whole or absent.** :class:`StagedFolder` lets a run write into a fresh temporary folder beside
the target (``.<name>.new-*``) and moves it into place only when every file is written. On Linux
the move is one atomic ``renameat2(RENAME_EXCHANGE)``; elsewhere it is two renames (the old
folder moved aside, the new one moved in). After a kill at any moment the target holds the
previous complete run or the new complete one, never a mix: leftovers (an unfinished new folder,
a moved-aside old one) are cleaned up, or the old folder is put back, by the next command that
takes the lock, which says what it did.

>>> import tempfile
>>> from pathlib import Path
>>> root = Path(tempfile.mkdtemp())
>>> with StagedFolder(root / "run") as staged:
...     _ = (staged.path / "a.txt").write_text("1")
...     staged.publish()
>>> sorted(p.name for p in (root / "run").iterdir())
['a.txt']
>>> sorted(p.name for p in root.iterdir())  # no lock file, no leftovers
['run']
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from matching.core.errors import SroiMatchError

__all__ = ["LockHeldError", "OutputFolderError", "StagedFolder", "fault_point", "file_sha256",
           "hold_lock", "lock_path_for"]

log = logging.getLogger(__name__)

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

FAULT_ENV = "SROI_MATCH_FAULT_POINT"
"""Test hook: when set to a fault point's name, the process kills itself (SIGKILL) there."""


def fault_point(name: str) -> None:
    """Kill this process with SIGKILL when :data:`FAULT_ENV` names ``name`` (tests only)."""
    if os.environ.get(FAULT_ENV) == name:  # pragma: no cover - the process dies here
        os.kill(os.getpid(), signal.SIGKILL)


class LockHeldError(SroiMatchError):
    """Another live process holds the lock (exit code 2)."""

    exit_code = 2


class OutputFolderError(SroiMatchError):
    """The output folder cannot be used (exit code 2)."""

    exit_code = 2


def file_sha256(path: Path) -> str:
    """sha256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()



# ----------------------------------------------------------------------------- locks


@dataclass
class Lock:
    """A held lock: its file, what it protects, and a previous holder that had died."""

    path: Path
    fd: int
    taken_over: dict[str, Any] | None = None


def lock_path_for(folder: Path) -> Path:
    """The lock file of an output folder: ``.<name>.lock`` beside it (the folder is swapped)."""
    return folder.parent / f".{folder.name}.lock"


def _holder_text(info: dict[str, Any]) -> str:
    if not info:
        return "another process"
    where = f" on {info['host']}" if info.get("host") and info["host"] != socket.gethostname() else ""
    return (f"`sroi-match {info.get('command', '?')}` (pid {info.get('pid', '?')}{where}, "
            f"started {info.get('started_at', '?')})")


def _read_info(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 4096)
        return json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (OSError, ValueError):
        return {}


def _command() -> str:
    """The sub-command being run (no arguments: they may name files about people)."""
    words = []
    for arg in sys.argv[1:3]:
        if not arg.isascii() or not arg.replace("-", "").isalpha() or arg.startswith("-"):
            break
        words.append(arg)
    return " ".join(words) or Path(sys.argv[0]).name


def acquire(path: Path, *, what: str, wait_s: float = 0.0) -> Lock:
    """Take the lock file ``path`` or raise :class:`LockHeldError` naming its holder.

    ``wait_s`` retries for that long first (for locks that others hold only for a moment).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows
        raise OutputFolderError("locking needs a POSIX system (Linux or macOS)")
    deadline = time.monotonic() + wait_s
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_info(fd)
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise OutputFolderError(f"cannot lock {path}: {exc}") from exc
            if time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            raise LockHeldError(
                f"{what} is in use by {_holder_text(holder)}; wait until it has finished "
                f"(lock file {path})") from None
        try:  # the file we locked must still be the one at ``path`` (a releaser unlinks it)
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            continue
        previous = _read_info(fd)
        info = {"pid": os.getpid(), "host": socket.gethostname(), "command": _command(),
                "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, (json.dumps(info) + "\n").encode("utf-8"))
        os.fsync(fd)
        return Lock(path=path, fd=fd, taken_over=previous or None)


def release(lock: Lock) -> None:
    """Remove the lock file and release the lock (in that order, see :func:`acquire`)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(lock.path)
    os.close(lock.fd)


@contextlib.contextmanager
def hold_lock(path: Path, *, what: str, notify: Callable[[str], None] | None = None,
              wait_s: float = 0.0) -> Iterator[Lock]:
    """Hold the lock file ``path`` for the block; ``notify`` hears about a dead holder."""
    lock = acquire(Path(path), what=what, wait_s=wait_s)
    if lock.taken_over and notify:
        notify(f"Took over the lock of {what} from {_holder_text(lock.taken_over)}, "
               "which is no longer running.")
    try:
        yield lock
    finally:
        release(lock)


# ----------------------------------------------------------------------------- swapping

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc_renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


_renameat2 = _libc_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux ``renameat2``); False when not supported."""
    if _renameat2 is None:
        return False
    rc = _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass
class StagedFolder:
    """Write a folder whole or not at all, holding its lock (see the module docstring).

    ``owned`` decides whether an existing, non-empty target may be replaced: by default a
    folder is replaced only when it holds ``marker`` (a file our previous run wrote), so that a
    mistyped ``--out ~/Documents`` is refused instead of swapped away.
    """

    target: Path
    marker: str | None = None
    what: str | None = None
    notify: Callable[[str], None] | None = None
    exchange_atomically: bool = True
    path: Path = field(init=False)
    published: bool = field(init=False, default=False)
    _lock: Lock | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.target = Path(self.target).absolute()

    # -- context -------------------------------------------------------------------------

    def __enter__(self) -> StagedFolder:
        what = self.what or f"output folder {self.target}"
        self._lock = acquire(lock_path_for(self.target), what=what)
        try:
            if self._lock.taken_over and self.notify:
                self.notify(f"Took over the lock of {what} from "
                            f"{_holder_text(self._lock.taken_over)}, which is no longer running.")
            self.recover()
            self._check_target()
            self.path = Path(tempfile.mkdtemp(dir=self.target.parent,
                                              prefix=f".{self.target.name}.new-"))
        except BaseException:
            release(self._lock)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if not self.published:
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            if self._lock is not None:
                release(self._lock)
                self._lock = None

    # -- work ----------------------------------------------------------------------------

    def _leftovers(self, kind: str) -> list[Path]:
        return sorted(self.target.parent.glob(f".{self.target.name}.{kind}-*"))

    def recover(self) -> list[str]:
        """Clean up after a killed run (call under the lock); returns what was done."""
        done: list[str] = []
        old = self._leftovers("old")
        if not self.target.exists() and old:  # killed between the two renames
            os.rename(old[-1], self.target)
            done.append(f"restored the previous run into {self.target}")
            old = old[:-1]
        for path in [*old, *self._leftovers("new")]:
            shutil.rmtree(path, ignore_errors=True)
            done.append(f"removed the leftover folder {path.name}")
        if done and self.notify:
            self.notify("A previous run into this folder was interrupted: " + "; ".join(done)
                        + ".")
        return done

    def _check_target(self) -> None:
        target = self.target
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            return
        if not target.is_dir():
            raise OutputFolderError(f"{target} exists and is not a folder")
        if self.marker is not None and any(target.iterdir()) \
                and not (target / self.marker).is_file():
            raise OutputFolderError(
                f"{target} is not empty and holds no earlier sroi-match output "
                f"({self.marker}); choose a new or empty folder, so that nothing of yours is "
                "replaced")

    def publish(self) -> None:
        """Move the finished folder into place (the previous contents are removed)."""
        staging, target = self.path, self.target
        _fsync_dir(staging)
        fault_point("before-swap")
        if target.exists() and self.exchange_atomically and exchange(staging, target):
            self.published = True
            fault_point("after-exchange")
            shutil.rmtree(staging, ignore_errors=True)  # now holds the previous run
        else:
            old = None
            if target.exists():
                old = target.parent / f".{target.name}.old-{os.getpid()}"
                os.rename(target, old)
                fault_point("between-renames")
            os.rename(staging, target)
            self.published = True
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(target.parent)
        log.info("published %s", target)
