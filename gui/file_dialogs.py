"""Every file and folder chooser of the window, built one safe way.

Why one module: a chooser that lists the project's folder must not open the project file or its
``-wal``/``-shm``/``-journal``. SQLite's locks are POSIX ``fcntl`` locks, which on Linux belong
to the process and the file, not to a descriptor: closing *any* descriptor of the file drops
all of them (sqlite.org/howtocorrupt.html §2.2). Qt's file dialogs open every listed file to
sniff its type (``QMimeDatabase`` content matching, through the icon provider's ``icon`` and
``type``); another program then believes it is alone, checkpoints and deletes the WAL, and the
window's later edits go into a deleted file. Measured: the locks drop from 2 to 0 the moment
the folder is listed (tests/gui/test_file_dialogs.py).

So every chooser here is Qt's own widget dialog (``DontUseNativeDialog``: a platform dialog,
e.g. GTK's, runs in this process and sniffs files the same way, out of our reach) with
``NameOnlyIconProvider``, which answers icons and type names from the file name alone.
``storage.locks`` checks afterwards, before writes, that the locks are still there.

Each function runs the dialog modally and returns the chosen path(s), or None / [] when the
user cancelled. ``make_dialog`` builds the dialog without running it, for tests that drive it.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileInfo, QMimeDatabase
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QDialog, QFileDialog, QFileIconProvider, QWidget

__all__ = ["NameOnlyIconProvider", "make_dialog", "open_file", "open_files", "save_file", "folder"]


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file's name and kind (folder, file), never its contents."""

    def __init__(self) -> None:
        super().__init__()
        self._mime = QMimeDatabase()

    def icon(self, what: QFileInfo | QAbstractFileIconProvider.IconType) -> QIcon:  # Qt override
        if isinstance(what, QAbstractFileIconProvider.IconType):
            return super().icon(what)
        # The base class looks the file's MIME type up by content (it opens the file).
        kind = QAbstractFileIconProvider.IconType
        if what.isRoot():
            return super().icon(kind.Drive)
        return super().icon(kind.Folder if what.isDir() else kind.File)

    def type(self, info: QFileInfo) -> str:  # noqa: A003 - Qt override
        if info.isRoot():
            return "Drive"
        if info.isDir():
            return "Folder"
        # MatchExtension: the name only. The default (MatchDefault) reads the file's first bytes.
        return self._mime.mimeTypeForFile(info.fileName(), QMimeDatabase.MatchMode.MatchExtension).comment()


_PROVIDER: NameOnlyIconProvider | None = None


def _provider() -> NameOnlyIconProvider:
    # One for the whole run: a dialog does not own its icon provider, so it must outlive them all.
    global _PROVIDER
    if _PROVIDER is None:
        _PROVIDER = NameOnlyIconProvider()
    return _PROVIDER


def make_dialog(parent: QWidget | None, title: str, directory: str | Path, *,
                mode: QFileDialog.FileMode = QFileDialog.FileMode.ExistingFile,
                save: bool = False, name_filter: str = "",
                confirm_overwrite: bool = True) -> QFileDialog:
    """A ``QFileDialog`` that never opens the files it lists (see the module docstring)."""
    dialog = QFileDialog(parent, title, str(directory), name_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setIconProvider(_provider())
    dialog.setFileMode(mode)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, not confirm_overwrite)
    return dialog


def _run(dialog: QFileDialog) -> list[Path]:
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return [Path(name) for name in dialog.selectedFiles()] if accepted else []
    finally:
        dialog.deleteLater()


def open_file(parent: QWidget | None, title: str, directory: str | Path, name_filter: str = "") -> Path | None:
    """One existing file, or None."""
    chosen = _run(make_dialog(parent, title, directory, name_filter=name_filter))
    return chosen[0] if chosen else None


def open_files(parent: QWidget | None, title: str, directory: str | Path, name_filter: str = "") -> list[Path]:
    """Any number of existing files; [] if cancelled."""
    return _run(make_dialog(parent, title, directory, name_filter=name_filter,
                            mode=QFileDialog.FileMode.ExistingFiles))


def save_file(parent: QWidget | None, title: str, proposed: str | Path, name_filter: str = "", *,
              confirm_overwrite: bool = True) -> Path | None:
    """A file name to write (``proposed`` may name a folder or a file in it), or None."""
    chosen = _run(make_dialog(parent, title, proposed, name_filter=name_filter, save=True,
                              mode=QFileDialog.FileMode.AnyFile, confirm_overwrite=confirm_overwrite))
    return chosen[0] if chosen else None


def folder(parent: QWidget | None, title: str, directory: str | Path) -> Path | None:
    """An existing folder, or None."""
    chosen = _run(make_dialog(parent, title, directory, mode=QFileDialog.FileMode.Directory))
    return chosen[0] if chosen else None
