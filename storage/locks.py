"""Is this process still SQLite's safe partner on a project file? Its locks, and its WAL.

SQLite's locks are POSIX ``fcntl`` locks. On Linux (and other POSIX systems) they belong to the
process and the file, not to a descriptor: when *anything* in the process closes a descriptor
of the file (a file dialog sniffing its type, an ``open()`` of ours), every lock the process
holds on it is gone, and SQLite is not told (sqlite.org/howtocorrupt.html §2.2). Another
program then believes it is the only one, checkpoints, and deletes the WAL; this connection
goes on committing into the deleted file, and those edits are never seen again.

``FileWatch`` notices both halves without opening any of the project's files: the locks
through ``/proc/locks``, the WAL by comparing the inode of the ``-wal`` descriptor SQLite holds
(``/proc/self/fd``, deleted or not) with the inode at the ``-wal`` path. Where ``/proc`` is
missing (macOS, Windows) or does not show this process, it answers "cannot tell" and the
caller carries on: the dialogs' own fix (``gui.file_dialogs``) still holds there.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FileWatch", "FileProblem", "held_locks", "wal_replaced"]

_PROC_LOCKS = Path("/proc/locks")
_PROC_FDS = Path("/proc/self/fd")


@dataclass(frozen=True)
class FileProblem:
    """What is wrong, in words for the status bar."""

    message: str
    wal_replaced: bool  # True: another program deleted or replaced the WAL under us


def _file_id(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)  # stat, never open: opening is what drops the locks
    except OSError:
        return None
    return os.major(st.st_dev), os.minor(st.st_dev), st.st_ino


def held_locks(path: str | Path, *, pid: int | None = None) -> int | None:
    """How many POSIX locks ``pid`` (this process) holds on ``path``; None if /proc cannot tell."""
    target = _file_id(str(path))
    if target is None:
        return 0
    try:
        lines = _PROC_LOCKS.read_text().splitlines()
    except OSError:
        return None
    pid_text = str(os.getpid() if pid is None else pid)
    count = 0
    for line in lines:
        # "1: POSIX  ADVISORY  READ 4242 fe:00:2150555 1073741826 1073742335"; "->" marks a waiter.
        fields = line.split()
        if len(fields) < 6 or fields[1] == "->" or fields[4] != pid_text:
            continue
        try:
            major, minor, inode = fields[5].split(":")
            if (int(major, 16), int(minor, 16), int(inode)) == target:
                count += 1
        except ValueError:
            continue
    return count


def wal_replaced(path: str | Path) -> bool | None:
    """True if a ``-wal`` descriptor this process holds is not the file at ``path``-wal any more
    (deleted, or another file put in its place); None when no such descriptor or no /proc."""
    wal = str(Path(path).resolve()) + "-wal"
    try:
        fds = os.listdir(_PROC_FDS)
    except OSError:
        return None
    current = _file_id(wal)
    seen = False
    for fd in fds:
        link = _PROC_FDS / fd
        try:
            target = os.readlink(link)
        except OSError:  # closed meanwhile, or not a link
            continue
        if target not in (wal, wal + " (deleted)"):
            continue
        held = _file_id(str(link))  # stat through the link: the open file itself, even if deleted
        if held is None:
            continue
        seen = True
        if held != current:
            return True
    return False if seen else None


class FileWatch:
    """Remembers, right after SQLite opened ``path``, whether /proc shows its locks; ``problem()``
    later says if they are gone or the WAL was replaced. Create it only once SQLite has read the
    file (it takes its locks then)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._shm = f"{self.path}-shm"
        # Only trust /proc/locks if it showed our locks while we certainly had them (a process
        # in another PID namespace, or a file system without POSIX locks, shows none).
        self.sees_locks = bool(held_locks(self.path)) and bool(held_locks(self._shm))

    def problem(self) -> FileProblem | None:
        """None while the process holds its locks and its WAL; else what is wrong."""
        if wal_replaced(self.path):
            return FileProblem(f"another program replaced the journal (-wal) of {self.path.name} "
                               "while this window had it open", wal_replaced=True)
        if self.sees_locks and not (held_locks(self.path) and held_locks(self._shm)):
            return FileProblem(f"this window lost its locks on {self.path.name} "
                               "(something in it opened and closed the file)", wal_replaced=False)
        return None
