"""What keeps a run from losing data, leaving child-level data behind, or racing another run.

:class:`RunGuard` is held by ``pipeline`` for the whole of a run (``with RunGuard(out, "2026-27-Q2") as
guard:``). It

* **locks** the output folder and period: ``<out>/.<period>.lock`` is held with an operating-system
  lock (``fcntl.flock``; ``msvcrt.locking`` on Windows) and records the holder's process id, host and
  start time. A second run for the same folder and period refuses at once and names the first. The
  operating system releases the lock when the holder ends, however it ends, so a crashed run never
  leaves a lock that blocks forever. The lock file itself stays (emptied at the end): deleting it
  would let two runs lock two different files of the same name.
* **stages privately**, outside the output folder: ``<tmp>/cscp-<period>-XXXX/`` (``tempfile`` gives
  mode 0700, readable by the run's user only) holds the pack being built (``pack/``) and the
  validated returns shared with the notebooks (``returns.pkl``, record-level, created 0600). ``<tmp>``
  is ``CSCP_STAGING_DIR`` when set, else the system's temporary folder (``TMPDIR``).
* **publishes atomically**: the finished pack must become ``<out>/<period>`` in one rename, and a
  rename works only within one file system. When the staging folder is on the same file system as
  the output folder (the usual case) the pack is renamed into ``<out>/.<period>.<pid>.incoming``; when
  it is not, it is copied there (it has passed the privacy scan by then, and the copy is removed on
  every exit path if it fails half-way, for example on a full disk). The incoming folder then
  replaces the destination by renames only (an earlier pack is moved aside, the new one moved in,
  the old one deleted), with signals deferred so that nothing can stop the run between the two.
* **cleans up on every exit path**: an error, Ctrl-C (SIGINT), SIGTERM and SIGHUP. SIGTERM and SIGHUP
  are turned into :class:`Interrupted` (a ``KeyboardInterrupt``), so the same ``finally`` blocks run;
  the kernels the run started are stopped first (they would otherwise go on writing into the
  staging folder), then the staging folder and any incoming copy are deleted. A second signal during
  the clean-up is ignored rather than allowed to interrupt it. The command line then prints
  "interrupted; nothing was published" and exits with 128 + the signal's number (143, 129, 130).
* **removes leftovers of runs that could not clean up** (SIGKILL, a power cut): at the start of a run,
  staging folders in ``<tmp>`` whose owner no longer holds their lock, and in the output folder the
  temporary folders and caches an earlier run of the same period left (including those of earlier
  versions of this package: ``.<period>.*.partial`` and ``.<period>.*.partial.returns.pkl``).

Also here: refusing an output folder that is, contains or lies inside the data folder (or the
reverse), refusing to replace anything but an evidence pack, and one-line errors for an output folder
that cannot be written to or whose disk is full.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from .errors import CscpError

__all__ = ["RunGuard", "Interrupted", "RunError", "SafetyError", "check_separate", "existing_pack", "replaceable",
           "stop_kernels", "os_error_message", "writing_error", "staging_parent", "MIN_FREE_MB", "SIGNALS"]

MIN_FREE_MB = 100  # the demo quarter's pack is 23 MB; it is staged, then renamed (or copied) into place
OWNER_FILE = "owner.lock"
STAGING_PREFIX = "cscp-"
SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)
_WRITE_ERRORS = {errno.EACCES: "permission denied", errno.EPERM: "not permitted", errno.EROFS: "read-only file system",
                 errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exhausted"}


class RunError(CscpError, RuntimeError):
    """A run that could not complete; the message says what failed and where (``pipeline.RunError``)."""


class SafetyError(RunError):
    """A run refused before it started, or that could not publish; the message says why, in one line."""


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal; ``exit_code`` is 128 + its number, as a shell reports it."""

    def __init__(self, signum: int, published: Path | None = None):
        self.signum = int(signum)
        self.published = published
        name = signal.Signals(self.signum).name if self.signum in signal.Signals._value2member_map_ else str(signum)
        super().__init__(f"interrupted by {name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def message(self) -> str:
        name = signal.Signals(self.signum).name if self.signum in signal.Signals._value2member_map_ else self.signum
        if self.published:
            return f"interrupted ({name}) after the pack was published: {self.published}"
        return f"interrupted ({name}); nothing was published"


# --- paths ---------------------------------------------------------------------------------------


def _inside(child: Path, parent: Path) -> bool:
    return child != parent and parent in child.parents


def check_separate(data_dir: Path, out_dir: Path) -> None:
    """Refuse an output folder that is, contains or lies inside the data folder, or the reverse.

    A pack written among the returns could replace a quarter's folder (``--out`` equal to ``--data``
    makes ``<out>/<period>`` the quarter's own returns), and returns inside the output folder could
    be replaced by a pack. Both paths are compared after resolving symbolic links.
    """
    data, out = Path(data_dir).resolve(), Path(out_dir).resolve()
    if out == data:
        raise SafetyError(f"the output folder is the data folder ({out}): a pack is never written among the "
                          "partners' returns; choose another --out")
    if _inside(out, data):
        raise SafetyError(f"the output folder {out} is inside the data folder {data}: a pack is never written "
                          "among the partners' returns; choose an --out outside it")
    if _inside(data, out):
        raise SafetyError(f"the data folder {data} is inside the output folder {out}: a pack could replace "
                          "returns; keep the data outside the output folder (or choose another --out)")


def existing_pack(folder: Path) -> dict | None:
    """The manifest of the evidence pack in ``folder``, or ``None`` when it is not one."""
    manifest = folder / "manifest.json"
    if folder.is_symlink() or not folder.is_dir() or manifest.is_symlink() or not manifest.is_file():
        return None
    try:
        m = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(m, dict) or m.get("kind") not in ("quarter", "annual") or not isinstance(m.get("outputs"), list):
        return None
    return m


def _describe(manifest: dict) -> str:
    p = manifest.get("parameters") or {}
    what = f"the {manifest['kind']} pack of {p.get('period') or p.get('year') or '?'}"
    when = manifest.get("finished") or "an unknown time"
    return f"{what}, made {when}, {len(manifest['outputs'])} files"


def replaceable(dest: Path, force: bool, progress: Callable[[str], None] | None = None) -> None:
    """Refuse to write ``dest`` unless it is new, or an evidence pack and ``force`` is given.

    ``--force`` replaces only a folder holding a pack's ``manifest.json``, and says what it replaces.
    """
    if not (dest.exists() or dest.is_symlink()):
        return
    manifest = existing_pack(dest)
    if manifest is None:
        raise SafetyError(f"{dest} exists and is not an evidence pack (it has no pack manifest): it is never "
                          "replaced, not even with --force; choose another --out, or move it away")
    if not force:
        raise SafetyError(f"{dest} already exists: an earlier pack ({_describe(manifest)}) is never overwritten. "
                          "Use --force to replace it, or --out to write somewhere else.")
    if progress:
        progress(f"--force: {dest} ({_describe(manifest)}) will be replaced when this run completes")


def writing_error(exc: OSError) -> bool:
    """Whether ``exc`` is a folder that cannot be written to: read-only, not permitted, or full."""
    return exc.errno in _WRITE_ERRORS


def os_error_message(exc: OSError, where: Path | str | None = None) -> str:
    """One line for an operating-system error on the output side: what, where, and what to do."""
    what = _WRITE_ERRORS.get(exc.errno, exc.strerror or str(exc))
    place = where or exc.filename or "the output folder"
    hint = {errno.ENOSPC: "free some space or choose another --out", errno.EDQUOT: "free some space or choose another --out",
            errno.EROFS: "choose another --out", errno.EACCES: "choose another --out",
            errno.EPERM: "choose another --out"}.get(exc.errno, "")
    return f"cannot write to {place}: {what}" + (f"; {hint}" if hint else "")


def staging_parent() -> Path:
    """Where private staging folders are made: ``CSCP_STAGING_DIR``, else the system's temporary folder."""
    return Path(os.environ.get("CSCP_STAGING_DIR") or tempfile.gettempdir()).resolve()


# --- locks ---------------------------------------------------------------------------------------


def _try_lock(fd: int) -> bool:
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    except OSError:
        return False


def _unlock(fd: int) -> None:
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
    except ImportError:
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _holder(text: str) -> str:
    try:
        info = json.loads(text)
        return (f"process {info.get('pid')} on {info.get('host')}, started {info.get('started')} "
                f"({info.get('command', 'cscp')})")
    except ValueError:
        return "another process"


# --- kernels -------------------------------------------------------------------------------------


def _children() -> list:
    import psutil

    try:
        return psutil.Process().children(recursive=True)
    except psutil.Error:
        return []


class _DeadKernelNoise(logging.Filter):
    """Drops the reports of a kernel this run stopped on purpose: papermill's "Kernel died while waiting
    for execute reply" and asyncio's "Task exception was never retrieved ... DeadKernelError", which
    would otherwise be printed (some at interpreter exit) after the run's own one-line message."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and type(exc).__name__ == "DeadKernelError":
            return False
        return "Kernel died" not in record.getMessage()


_QUIET = _DeadKernelNoise()


def _quiet_dead_kernels() -> None:
    for name in ("asyncio", "papermill", "traitlets"):
        logger = logging.getLogger(name)
        if _QUIET not in logger.filters:
            logger.addFilter(_QUIET)


def stop_kernels(since: float, keep: set[int] = frozenset(), timeout: float = 5.0) -> int:
    """Stop the child processes this process started after ``since`` (the run's kernels); how many.

    Kernels run in their own session, so a signal to the run does not reach them; without this they
    would go on executing their notebook, writing into the staging folder being deleted. Children
    that were already running when the run started (``keep``) are left alone. From then on, the
    libraries' reports that a kernel died are not printed: the run says in one line why it stopped.
    """
    import psutil

    _quiet_dead_kernels()

    mine = []
    for p in _children():
        try:
            if p.pid not in keep and p.create_time() >= since - 1:
                mine.append(p)
        except psutil.Error:
            continue
    for p in mine:
        try:
            p.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(mine, timeout=timeout)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=timeout)
    return len(mine)


# --- signals -------------------------------------------------------------------------------------


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


class _Signals:
    """SIGTERM and SIGHUP as :class:`Interrupted` while a run holds its guard; restored afterwards."""

    def __init__(self) -> None:
        self.saved: dict[int, object] = {}
        self.deferred: int | None = None
        self.deferring = False

    def install(self) -> None:
        if not _main_thread():
            return
        for s in SIGNALS:
            self.saved[s] = signal.getsignal(s)
            signal.signal(s, self._handle)

    def _handle(self, signum, frame) -> None:
        if self.deferring:
            self.deferred = self.deferred or signum
            return
        raise Interrupted(signum)

    @contextmanager
    def deferred_during(self) -> Iterator[None]:
        """Signals received inside are held back until it ends (the swap of the destination)."""
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False

    @contextmanager
    def ignored(self) -> Iterator[None]:
        """No signal (SIGINT included) interrupts what runs inside: the clean-up."""
        if not _main_thread():
            yield
            return
        every = (*SIGNALS, signal.SIGINT)
        before = {s: signal.getsignal(s) for s in every}
        for s in every:
            signal.signal(s, signal.SIG_IGN)
        try:
            yield
        finally:
            for s, h in before.items():
                signal.signal(s, h)

    def restore(self) -> None:
        for s, h in self.saved.items():
            signal.signal(s, h)
        self.saved.clear()


# --- the guard -----------------------------------------------------------------------------------


class RunGuard:
    """A run's lock, private staging folder, signal handling and clean-up (see the module docstring).

    ``guard.pack`` is the folder the pack is built in, ``guard.cache`` the path of the private
    returns cache (created empty, mode 0600), ``guard.publish(dest)`` moves the finished pack into
    place. Everything is released and deleted when the ``with`` block ends, however it ends.
    """

    def __init__(self, out_dir: Path, name: str, progress: Callable[[str], None] | None = None,
                 command: str = "cscp run"):
        self.out_dir = Path(out_dir)
        self.name = name
        self.progress = progress
        self.command = command
        self.started = time.time()
        self.signals = _Signals()
        self.root: Path | None = None
        self.incoming: Path | None = None
        self._lock_fd: int | None = None
        self._owner_fd: int | None = None
        self._children_before: set[int] = set()

    # paths of the run
    @property
    def lock_path(self) -> Path:
        return self.out_dir / f".{self.name}.lock"

    @property
    def pack(self) -> Path:
        assert self.root is not None
        return self.root / "pack"

    @property
    def cache(self) -> Path:
        assert self.root is not None
        return self.root / "returns.pkl"

    def __enter__(self) -> RunGuard:
        try:
            self._open_output()
            self._lock()  # the first write: a read-only folder is named here
            self._check_space()
            self.signals.install()
            self._children_before = {p.pid for p in _children()}
            self._clean_leftovers()
            self._make_staging()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        with self.signals.ignored():
            if exc_type is not None:
                self.stop_kernels()
            self._release()
        return False

    def stop_kernels(self) -> int:
        return stop_kernels(self.started, keep=self._children_before)

    # --- entering ---------------------------------------------------------------------------------
    def _open_output(self) -> None:
        out = self.out_dir
        if out.exists() and not out.is_dir():
            raise SafetyError(f"the output folder {out} is a file, not a folder; choose another --out")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SafetyError(os_error_message(exc, out)) from None

    def _check_space(self) -> None:
        out = self.out_dir
        for where in (out, staging_parent()):
            try:
                free = shutil.disk_usage(where).free
            except OSError:
                continue
            if free < MIN_FREE_MB * 1024 * 1024:
                what = "output folder" if where == out else "staging folder (CSCP_STAGING_DIR or TMPDIR)"
                raise SafetyError(f"cannot write to {where}: the disk is full ({free / 1024 / 1024:,.0f} MB free; "
                                  f"the {what} needs at least {MIN_FREE_MB} MB); free some space or choose another "
                                  "--out")

    def _lock(self) -> None:
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise SafetyError(os_error_message(exc, self.out_dir)) from None
        if not _try_lock(fd):
            try:
                holder = _holder(os.read(fd, 4096).decode("utf-8", "replace"))
            except OSError:  # Windows: a locked region cannot be read by another process
                holder = "another process"
            finally:
                os.close(fd)
            raise SafetyError(f"another run is already writing {self.out_dir / self.name}: {holder}. "
                              "Wait for it to finish, or stop it, then run again")
        self._lock_fd = fd
        info = {"pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
                "started": datetime.fromtimestamp(self.started, timezone.utc).isoformat(timespec="seconds")}
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, (json.dumps(info) + "\n").encode("utf-8"))
        except OSError as exc:
            raise SafetyError(os_error_message(exc, self.out_dir)) from None

    def _clean_leftovers(self) -> None:
        """Staging folders of dead runs, and this period's temporary files in the output folder."""
        removed = 0
        parent = staging_parent()
        try:
            candidates = [p for p in parent.iterdir() if p.name.startswith(STAGING_PREFIX) and p.is_dir()
                          and not p.is_symlink()]
        except OSError:
            candidates = []
        for folder in candidates:
            owner = folder / OWNER_FILE
            try:
                if hasattr(os, "getuid") and folder.stat().st_uid != os.getuid():
                    continue  # another user's
                fd = os.open(owner, os.O_RDWR)
            except OSError:
                continue  # not one of ours, or not readable
            try:
                if not _try_lock(fd):
                    continue  # its run is alive
            finally:
                os.close(fd)
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
        patterns = (f".{self.name}.*.partial", f".{self.name}.*.partial.returns.pkl", f".{self.name}.replaced",
                    f".{self.name}.*.incoming")
        for pattern in patterns:  # this period's: no other run of it can be alive while we hold its lock
            for p in self.out_dir.glob(pattern):
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
                removed += 1
        if removed and self.progress:
            self.progress(f"  removed {removed} temporary folder(s) or file(s) left by an earlier run that was stopped")

    def _make_staging(self) -> None:
        parent = staging_parent()
        try:
            self.root = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{self.name}-", dir=parent))  # mode 0700
            fd = os.open(self.root / OWNER_FILE, os.O_RDWR | os.O_CREAT, 0o600)
            _try_lock(fd)
            os.write(fd, f"{os.getpid()}\n".encode())
            self._owner_fd = fd
            self.pack.mkdir()
            os.close(os.open(self.cache, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            raise SafetyError(os_error_message(exc, parent)) from None

    # --- publishing -------------------------------------------------------------------------------
    def publish(self, dest: Path, force: bool) -> None:
        """Move the finished pack to ``dest`` (see the module docstring); refuse if ``dest`` appeared meanwhile."""
        replaceable(dest, force)  # checked again: a pack may have appeared while this run worked
        self.incoming = self.out_dir / f".{self.name}.{os.getpid()}.incoming"
        try:
            try:
                os.rename(self.pack, self.incoming)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                _copy_tree(self.pack, self.incoming)  # another file system: copy, then rename there
            with self.signals.deferred_during():
                old = None
                if dest.exists():
                    old = dest.with_name(f".{dest.name}.replaced")
                    if old.exists():
                        shutil.rmtree(old)
                    os.rename(dest, old)
                try:
                    os.rename(self.incoming, dest)
                except OSError:
                    if old is not None:
                        os.rename(old, dest)  # the earlier pack back in its place
                    raise
                self.incoming = None
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            raise SafetyError(os_error_message(exc, self.out_dir)) from None
        if self.signals.deferred:
            raise Interrupted(self.signals.deferred, published=dest)

    # --- leaving ----------------------------------------------------------------------------------
    def _release(self) -> None:
        if self.incoming is not None:
            shutil.rmtree(self.incoming, ignore_errors=True)
            self.incoming = None
        if self.root is not None:
            if self._owner_fd is not None:
                os.close(self._owner_fd)
                self._owner_fd = None
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
        self.signals.restore()
        if self._lock_fd is not None:
            try:
                os.ftruncate(self._lock_fd, 0)
            except OSError:
                pass
            _unlock(self._lock_fd)
            os.close(self._lock_fd)
            self._lock_fd = None


def _copy_tree(src: Path, dst: Path) -> None:
    """Copy a folder, stopping at the first error with its own ``OSError`` (a full disk says so).

    ``shutil.copytree`` goes on after an error and reports them all together as text, which loses
    the error number that makes "the disk is full" a one-line message.
    """
    dst.mkdir()
    for root, dirs, files in os.walk(src):
        here = dst / Path(root).relative_to(src)
        for d in dirs:
            (here / d).mkdir()
        for f in files:
            shutil.copy2(Path(root) / f, here / f)


def private_copy(src: Path, dst: Path) -> Path:
    """Copy ``src`` to ``dst`` readable by this user only (a failed notebook kept for inspection)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(dst.parent, 0o700)
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
        shutil.copyfileobj(inp, out)
    return dst

