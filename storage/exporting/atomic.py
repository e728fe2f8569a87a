"""Publishing an export so that a crash at any instant leaves the previous export or the new one,
never half of one, and so that the next export clears what a killed one left behind.

A file is written to a hidden ``.NAME.<hex>.tmp`` beside it, fsynced and renamed over ``NAME``
(:class:`AtomicFile`). A folder cannot be swapped in one step, so :class:`AtomicFolder` moves
through names the next run recognises:

1. build in ``.NAME.<hex>.tmp``; once complete and fsynced, rename it to ``.NAME.new``;
2. rename the previous ``NAME`` to ``.NAME.old``;
3. rename ``.NAME.new`` to ``NAME``;
4. delete ``.NAME.old``.

Killed after 2, there is no ``NAME``: the next export first renames ``.NAME.new`` (complete, by
step 1) into place and says so. Killed at any other step, ``NAME`` is a complete export and the
next run deletes the leftovers. A temporary file or folder in use is locked (``flock``) by the
process writing it; a lock dies with its process, so an unlocked leftover is a killed export's
and is deleted, while another export still running is left alone.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import IO, Callable

from storage.exporting.batches import ExportError

try:
    import fcntl
except ImportError:  # Windows: no flock; leftovers are then left for the user
    fcntl = None  # type: ignore[assignment]


def _hold(fd: int) -> bool:
    """Lock ``fd`` exclusively without waiting: True when this process now holds it."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _abandoned(path: Path) -> bool:
    """True when no running process holds ``path`` (a leftover file or folder) locked."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return _hold(fd)  # closing the descriptor below releases the probe's own lock
    finally:
        os.close(fd)


def _leftovers(path: Path, kinds: str) -> list[Path]:
    """Hidden siblings of ``path`` an export of it makes: ``.NAME.<hex>.tmp`` and the like."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(?:[0-9a-f]{{8}}\.)?(?:{kinds})")
    try:
        return sorted(path.parent / entry.name for entry in os.scandir(path.parent)
                      if pattern.fullmatch(entry.name))
    except OSError:
        return []


def sweep_files(path: Path) -> int:
    """Delete the temporary files killed exports to ``path`` left; return how many."""
    removed = 0
    for leftover in _leftovers(path, "tmp"):
        if leftover.is_file() and _abandoned(leftover):
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


class AtomicFile:
    """A temporary file beside ``path`` that replaces it on a clean exit and vanishes otherwise.

    The temporary file is created with mode 0o666 (less the umask), like a plain ``open``,
    rather than ``mkstemp``'s 0o600, so the exported file gets the permissions users expect.
    """

    def __init__(self, path: Path, *, binary: bool = False) -> None:
        self.path = path
        self.temp = path  # replaced in __enter__
        self._binary = binary
        self.swept = 0  # leftovers of killed exports deleted on the way in
        self.handle: IO  # type: ignore[type-arg]

    def __enter__(self) -> "AtomicFile":
        self.swept = sweep_files(self.path)
        folder = self.path.parent
        while True:
            self.temp = folder / f".{self.path.name}.{secrets.token_hex(4)}.tmp"
            try:
                fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                continue
            except OSError as exc:
                raise ExportError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        _hold(fd)  # while this process lives, the next export's sweep leaves the file alone
        if self._binary:
            self.handle = os.fdopen(fd, "wb")
        else:
            self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: object) -> None:
        if exc_type is not None:
            self._discard()
            if isinstance(exc, OSError):  # disk full, permissions…: the user's to fix, not a crash
                raise ExportError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
            return
        try:
            if not self.handle.closed:
                self.handle.flush()
                os.fsync(self.handle.fileno())
                if os.name != "posix":  # Windows renames no open file (and has no flock to keep)
                    self.handle.close()
                os.replace(self.temp, self.path)  # on POSIX still open, so still locked, until in place
                self.handle.close()
            else:
                fsync_path(self.temp)
                os.replace(self.temp, self.path)
        except OSError as error:
            self._discard()
            raise ExportError(f"cannot write {self.path}: {error.strerror or error}") from error
        except BaseException:
            self._discard()
            raise
        fsync_folder(self.path.parent)

    def _discard(self) -> None:
        if not self.handle.closed:
            try:
                self.handle.close()
            except OSError:
                pass  # e.g. the disk is full: the temporary file goes anyway
        self.temp.unlink(missing_ok=True)


class AtomicFolder:
    """A folder built beside ``path`` that replaces it whole (the module's four steps).

    ``check`` refuses a destination the export may not replace; ``remove`` deletes a folder of
    export files (and only those). ``notes`` says what the way in repaired or cleared.
    """

    def __init__(self, path: Path, *, check: Callable[[Path], None], remove: Callable[[Path], None]) -> None:
        self.path = Path(os.path.abspath(path))  # "." has no name to build a sibling from
        self.shown = path
        self.temp = self.path
        self._check, self._remove = check, remove
        self._fd: int | None = None
        self.notes: list[str] = []

    def _named(self, kind: str) -> Path:
        return self.path.parent / f".{self.path.name}.{kind}"

    def __enter__(self) -> "AtomicFolder":
        self._repair()
        self._check(self.path)
        while True:
            self.temp = self._named(f"{secrets.token_hex(4)}.tmp")
            try:
                os.mkdir(self.temp, 0o777)  # less the umask, like a plain mkdir
                break
            except FileExistsError:
                continue
            except OSError as exc:
                raise ExportError(f"cannot write {self.shown}: {exc.strerror or exc}") from exc
        self._fd = os.open(self.temp, os.O_RDONLY)
        _hold(self._fd)  # the lock follows the folder through its renames to .new and NAME
        return self

    def _repair(self) -> None:
        """Finish or clear what a killed export left: the previous swap, and temporary folders."""
        new, old = self._named("new"), self._named("old")
        if not os.path.lexists(self.path):
            for ready, what in ((new, "finished an export"), (old, "put back the export")):
                if ready.is_dir() and _abandoned(ready):
                    os.rename(ready, self.path)
                    fsync_folder(self.path.parent)
                    self.notes.append(f"{what} to {self.shown} that was stopped while being swapped in")
                    break
        cleared = 0
        for leftover in _leftovers(self.path, "tmp|new|old"):
            if leftover.is_dir() and _abandoned(leftover):
                self._remove(leftover)
                cleared += 1
        if cleared:
            self.notes.append(f"deleted {cleared} unfinished export folder{'s' if cleared > 1 else ''} "
                              f"beside {self.shown}")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: object) -> None:
        try:
            if exc_type is not None:
                self._remove(self.temp)
                if isinstance(exc, OSError):  # disk full, permissions…: the user's to fix, not a crash
                    raise ExportError(f"cannot write {self.shown}: {exc.strerror or exc}") from exc
                return
            try:
                fsync_folder(self.temp)
                self._publish()
            except OSError as error:
                self._remove(self.temp)
                raise ExportError(f"cannot write {self.shown}: {error.strerror or error}") from error
            fsync_folder(self.path.parent)
        finally:
            if self._fd is not None:
                os.close(self._fd)

    def _publish(self) -> None:
        new, old = self._named("new"), self._named("old")
        os.rename(self.temp, new)  # step 1: complete, under the name the next run trusts
        self.temp = new
        if not os.path.lexists(self.path):
            os.rename(new, self.path)
            return
        self._check(self.path)  # again: it may have changed while the export ran
        previous = os.open(self.path, os.O_RDONLY)
        try:
            if not _hold(previous) and fcntl is not None:
                raise ExportError(f"cannot write {self.shown}: another export to it is finishing")
            os.rename(self.path, old)  # step 2
            try:
                os.rename(new, self.path)  # step 3
            except OSError:
                os.rename(old, self.path)
                raise
        finally:
            os.close(previous)
        self._remove(old)  # step 4


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a folder's entries durable; folders cannot be opened for fsync on Windows, so skip there."""
    if os.name != "posix":
        return
    try:
        fsync_path(folder)
    except OSError:
        pass  # some file systems refuse fsync on folders
