"""SQLite's refusals in the user's words: our error types, saying what happened and what to do.

The store and the command line pass every ``sqlite3.DatabaseError`` the user can cause or fix
through :func:`plain_error`; what is left (a syntax error, a misuse of the API) is a bug of ours
and keeps SQLite's own error, so its traceback reaches the bug report.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.model import (
    DamagedProjectError,
    MissingError,
    ProjectInUseError,
    SchemeError,
    StorageError,
)
from storage.schema import RULE_PREFIX


def plain_error(path: Path | str | None, exc: sqlite3.DatabaseError) -> Exception:
    """Our error for ``exc``, naming the project file; ``exc`` itself when it can only be our bug."""
    message = str(exc)
    where = f"{path}: " if path is not None else ""
    if isinstance(exc, sqlite3.IntegrityError):
        if message.startswith(RULE_PREFIX):  # one of the frame-rule triggers, already in words
            return SchemeError(message[len(RULE_PREFIX):])
        if "FOREIGN KEY" in message:
            return MissingError("the edit refers to a span, event or label that no longer exists "
                                "(deleted, perhaps in another window); nothing was changed")
        if "UNIQUE" in message:
            return SchemeError("that is already in the project; nothing was changed")
        return SchemeError(f"the project refused the edit ({message}); nothing was changed")
    if "locked" in message or "busy" in message:
        return ProjectInUseError(f"{where}another program is writing to this project; try again in a moment")
    # "Could not decode": Python met bytes in a text column that are not UTF-8, which we never write.
    if "malformed" in message or "not a database" in message or "Could not decode to UTF-8" in message:
        if "Could not decode" in message:
            message = "a text in it is not UTF-8"  # Python's message quotes the whole text
        else:  # SQLite may quote the damaged SQL, lines of it: the first words say enough
            message = message.splitlines()[0].split(" - ")[0][:100]
        return DamagedProjectError(
            f"{where}the project file is damaged ({message}). Restore it from a backup, or "
            f"save what SQLite can still read: sqlite3 {path or 'PROJECT'} .recover | sqlite3 recovered.sqlite")
    if "full" in message:
        return StorageError(f"{where}the disk is full; free some space and try again (nothing was changed)")
    if "readonly" in message:
        return StorageError(f"{where}the project cannot be written here (a read-only file, folder or disk); "
                            "copy it somewhere writable to edit it")
    if "disk I/O error" in message or "unable to open" in message:
        return StorageError(f"{where}the disk could not read or write the project ({message}); "
                            "check the drive and try again")
    return exc
