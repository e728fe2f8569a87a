"""Is this process still SQLite's safe partner on a project file? Its locks, and its WAL.

SQLite's locks are POSIX ``fcntl`` locks. On Linux (and other POSIX systems) they belong to the
process and the file, not to a descriptor: when *anything* in the process closes a descriptor
of the file (a file dialog sniffing its type, an ``open()`` of ours), every lock the process
holds on it is gone, and SQLite is not told (sqlite.org/howtocorrupt.html §2.2). Another
program then believes it is the only one, checkpoints, and deletes the WAL; this connection
goes on committing into the deleted file, and those edits are never seen again.

``FileWatch`` notices both halves without opening any of the project's files: the locks
through ``/proc/self/fdinfo`` of the descriptors SQLite holds, the WAL by comparing the inode
of the ``-wal`` descriptor SQLite holds (``/proc/self/fd``, deleted or not) with the inode at
the ``-wal`` path. Where ``/proc`` is missing (macOS, Windows) it answers "cannot tell" and
the caller carries on: the dialogs' own fix (``gui.file_dialogs``) still holds there.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FileWatch", "FileProblem", "SIDECARS", "held_locks", "is_project_file", "wal_replaced"]

# The files SQLite keeps beside a project: opening and closing any of them outside SQLite drops
# locks too (the -shm's), or reads a journal as if it were something else.
SIDECARS = ("-wal", "-shm", "-journal")


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


_FD_DIR = "/proc/self/fd/"
_FDINFO_DIR = "/proc/self/fdinfo/"


def _descriptors(names: tuple[str, ...]) -> dict[str, list[tuple[str, bool]]]:
    """This process's descriptors of each file in ``names``: {name: [(fd, deleted)]}, one pass
    over /proc/self/fd (readlink, never open). OSError when there is no /proc."""
    found: dict[str, list[tuple[str, bool]]] = {name: [] for name in names}
    for fd in os.listdir(_FD_DIR):
        try:
            target = os.readlink(_FD_DIR + fd)
        except OSError:  # closed meanwhile, or not a link
            continue
        deleted = target.endswith(" (deleted)")
        name = target[:-len(" (deleted)")] if deleted else target
        if name in found:
            found[name].append((fd, deleted))
    return found


def _locks_through(fds: list[tuple[str, bool]]) -> int | None:
    """Distinct POSIX locks set through ``fds`` (/proc/self/fdinfo lists, per descriptor, the
    locks this process set through it); None without a live descriptor."""
    held: set[tuple[str, ...]] = set()
    live = [fd for fd, deleted in fds if not deleted]
    for fd in live:
        try:
            with open(_FDINFO_DIR + fd, encoding="ascii", errors="replace") as info:
                lines = info.read().splitlines()
        except FileNotFoundError:  # closed meanwhile
            continue
        # "lock:\t1: POSIX  ADVISORY  READ 4242 fe:00:2150555 1073741826 1073742335"
        held.update((fields[4], *fields[7:]) for fields in (line.split() for line in lines)
                    if fields and fields[0] == "lock:")
    return len(held) if live else None


def held_locks(path: str | Path) -> int | None:
    """How many POSIX locks this process holds on the file ``path`` (SQLite opened it); None
    when /proc cannot tell (no /proc, or no descriptor of the file in this process).

    From /proc/self/fdinfo of the file's descriptors: SQLite sets its locks through whichever
    of its connections' descriptors it uses, and each descriptor lists those set through it.
    Small consistent reads, where /proc/locks lists every lock on the machine page by page and
    repeats or skips a line when other processes lock and unlock between pages.
    """
    name = os.path.realpath(path)
    try:
        return _locks_through(_descriptors((name,))[name])
    except OSError:
        return None


def _wal_replaced(wal: str, fds: list[tuple[str, bool]]) -> bool | None:
    current = _file_id(wal)
    for fd, deleted in fds:
        if deleted or _file_id(_FD_DIR + fd) != current:  # stat through the link: the open file
            return True
    return False if fds else None


def wal_replaced(path: str | Path) -> bool | None:
    """True if a ``-wal`` descriptor this process holds is not the file at ``path``-wal any more
    (deleted, or another file put in its place); None when no such descriptor or no /proc."""
    wal = os.path.realpath(path) + "-wal"
    try:
        return _wal_replaced(wal, _descriptors((wal,))[wal])
    except OSError:
        return None


def is_project_file(candidate: str | Path, project: str | Path) -> bool:
    """True if ``candidate`` is the project file or one of SQLite's files beside it, so that
    nothing but SQLite may open it while the project is open (compared by stat, never opened)."""
    for name in (str(project), *(f"{project}{tail}" for tail in SIDECARS)):
        try:
            if os.path.samefile(candidate, name):
                return True
        except OSError:  # one of them does not exist (yet): compare the names
            if os.path.abspath(candidate) == os.path.abspath(name):
                return True
    return False


class FileWatch:
    """Remembers, right after SQLite opened ``path``, whether /proc shows its locks; ``problem()``
    later says if they are gone or the WAL was replaced. Create it only once SQLite has read the
    file (it takes its locks then). One pass over /proc/self/fd per check: it runs before every
    edit of the window."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        db = os.path.realpath(path)
        self._names = (db, db + "-shm", db + "-wal")
        # Only trust the lock count if it showed our locks while we certainly had them (a file
        # system without POSIX locks, or a kernel without fdinfo lock lines, shows none).
        found = self._scan()
        self.sees_locks = found is not None and all(_locks_through(found[n]) for n in self._names[:2])

    def _scan(self) -> dict[str, list[tuple[str, bool]]] | None:
        try:
            return _descriptors(self._names)
        except OSError:
            return None

    def problem(self) -> FileProblem | None:
        """None while the process holds its locks and its WAL; else what is wrong."""
        found = self._scan()
        if found is None:
            return None
        db, shm, wal = self._names
        if _wal_replaced(wal, found[wal]):
            return FileProblem(f"another program replaced the journal (-wal) of {self.path.name} "
                               "while this window had it open", wal_replaced=True)
        if self.sees_locks and not (_locks_through(found[db]) and _locks_through(found[shm])):
            return FileProblem(f"this window lost its locks on {self.path.name} "
                               "(something in it opened and closed the file)", wal_replaced=False)
        return None
