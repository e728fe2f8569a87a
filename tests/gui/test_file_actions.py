"""The File menu on the real window: imports and exports run off the GUI thread against the same
project file, end with one summary, can be cancelled without leaving half a file, and drops import."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6 import QtGui
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton

from gui.app import create_main_window
from storage.article_status import OWN_STATUS
from storage.project import Project
from tests.storage.two_writers import LockHolder

ARTICLE_A = " date 2025-03-14 Rebels enter Velmora\n\nRebels entered the city of Velmora on Friday.\n"
ARTICLE_B = " date 2025-03-15 Ministry condemns attack\n\nThe ministry condemned the attack in Dorvan.\n"
ARTICLE_C = " date 2025-03-16 Protest in Dorvan\n\nProtesters gathered in Liberty Square.\n"


@pytest.fixture
def settings(tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    settings.setValue("annotator", "tester")
    return settings


@pytest.fixture
def window(tmp_path, settings, qtbot):
    window = create_main_window(tmp_path / "project.sqlite", settings, sample_if_new=False)
    qtbot.addWidget(window)
    reports = []
    window.file_actions.show_report = lambda title, lines: reports.append((title, list(lines)))
    window.reports = reports
    return window


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def article_titles(project: Project) -> list[str]:
    return [row[0] for row in project.db.execute("SELECT title FROM articles ORDER BY id")]


def test_file_menu_has_every_action_with_its_shortcut(window):
    fa = window.file_actions
    texts = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    assert texts == ["&New project…", "&Open project…", "Open &recent", "&Import articles…",
                     "Import &folder…", "&Export…", "&Quit"]
    shortcuts = {a.text(): a.shortcut().toString() for a in (
        fa.new_action, fa.open_action, fa.import_action, fa.export_action, fa.quit_action)}
    assert shortcuts == {"&New project…": "Ctrl+N", "&Open project…": "Ctrl+O",
                         "&Import articles…": "Ctrl+I", "&Export…": "Ctrl+E", "&Quit": "Ctrl+Q"}
    assert fa.labels_action in window.project_menu.actions()


def test_import_through_the_menu_reports_the_bad_file_and_keeps_the_good(window, qtbot, tmp_path):
    good = write(tmp_path, "good.txt", ARTICLE_A)
    bad = write(tmp_path, "bad.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    fa = window.file_actions
    fa.choose_import_files = lambda: [good, bad]
    shown = []
    fa.exec_dialog = lambda dialog: shown.append(dialog.paths()) or True  # Import, as chosen
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.import_action.trigger()
    assert shown == [[good, bad]]  # the Import dialog came first, with the files picked
    assert article_titles(window.project) == ["Rebels enter Velmora"]
    assert fa.job is None and fa.last_progress == (2, 2)
    assert not fa.progress_dialog.isVisible()
    [(title, lines)] = window.reports
    assert title == "Import"
    assert lines[0] == "imported 1 article from 2 files; 1 file failed"  # the headline
    assert len(lines) == 2 and lines[1].startswith(f"{bad}: ") and "binary" in lines[1], lines
    # A PNG is no encoding problem: the importer gives no --encoding advice, so the window adds none
    # (a file that reads as UTF-16 does get it: tests/gui/test_import_dialog.py).
    assert window.article_list.model.total == 1  # the window was refreshed


def test_own_import_opens_the_first_article_and_is_not_reported_as_someone_elses(window, qtbot, tmp_path):
    window.poll_timer.stop()  # polled by hand: the timer must not run before the job ends
    assert window.document.article is None
    with qtbot.waitSignal(window.file_actions.jobFinished, timeout=10000):
        window.file_actions.import_paths([write(tmp_path, "a.txt", ARTICLE_A)])
    assert window.document.article.title == "Rebels enter Velmora"  # an empty window opens it
    assert window.position_label.text() == "Article 1 of 1"
    # The worker wrote through its own connection; the window's next poll must not call that
    # "another window or program".
    assert not window.poll_external_changes()
    assert "Another window" not in window.statusBar().currentMessage()


def test_import_opens_the_first_imported_article_and_leaves_it_new(window, qtbot, tmp_path):
    window.poll_timer.stop()
    with qtbot.waitSignal(window.file_actions.jobFinished, timeout=10000):
        window.file_actions.import_paths([write(tmp_path, "a.txt", ARTICLE_A)])
    first = window.document.article.id
    # A second import, while the first article is open: its first new article is shown and selected.
    folder = tmp_path / "more"
    folder.mkdir()
    write(folder, "b.txt", ARTICLE_B)
    write(folder, "c.txt", ARTICLE_C)
    with qtbot.waitSignal(window.file_actions.jobFinished, timeout=10000):
        window.file_actions.import_paths([folder])
    article = window.document.article
    assert article.title == "Ministry condemns attack" and article.id != first
    assert window.article_list.current_article_id() == article.id
    statuses = [row[0] for row in window.project.db.execute(f"SELECT {OWN_STATUS} FROM articles ORDER BY id")]
    assert statuses == ["new", "new", "new"]  # opened, not started
    # Importing it again adds nothing: the article it duplicates is shown.
    window.open_article(first)
    with qtbot.waitSignal(window.file_actions.jobFinished, timeout=10000):
        window.file_actions.import_paths([folder / "c.txt"])
    assert window.document.article.title == "Protest in Dorvan"


def test_import_report_warns_about_an_impossible_header_date(window, qtbot, tmp_path):
    bad = write(tmp_path, "bad-date.txt", " date 2025-13-45 Bad date headline\n\nTroops left Homs.\n")
    with qtbot.waitSignal(window.file_actions.jobFinished, timeout=10000):
        window.file_actions.import_paths([bad])
    [(title, lines)] = window.reports
    assert lines == ["imported 1 article from 1 file",
                     f"{bad}: warning: line 1: 2025-13-45 is not a real date; imported without a date"]
    assert window.headline.text() == "Bad date headline" and window.meta.text().startswith("no date")


def test_imported_headline_with_markup_shows_literally_everywhere(window, qtbot, tmp_path):
    headline = "<b>bold</b> & <i>x</i>"
    path = write(tmp_path, "markup.txt", f" date 2025-03-14 {headline}\n\nRebels entered <b>Velmora</b>.\n")
    with qtbot.waitSignal(window.file_actions.jobFinished, timeout=10000):
        window.file_actions.import_paths([path])
    assert window.headline.text() == headline
    assert window.headline.textFormat() == Qt.TextFormat.PlainText
    assert window.meta.textFormat() == Qt.TextFormat.PlainText
    model = window.article_list.model
    assert model.data(model.index(0, model.TITLE)) == headline
    tooltip = model.data(model.index(0, model.TITLE), Qt.ItemDataRole.ToolTipRole)
    assert tooltip.endswith(headline) and not QtGui.Qt.mightBeRichText(tooltip)
    assert window.view.text.startswith(headline)  # the article text itself is never markup either


def test_import_folder_imports_every_article_in_it(window, qtbot, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    write(folder, "a.txt", ARTICLE_A)
    write(folder, "b.txt", ARTICLE_B)
    fa = window.file_actions
    fa.choose_import_folder = lambda: folder
    fa.exec_dialog = lambda dialog: dialog.paths() == [folder]
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.import_folder_action.trigger()
    assert article_titles(window.project) == ["Rebels enter Velmora", "Ministry condemns attack"]
    assert window.reports == [("Import", ["imported 2 articles from 2 files"])]


def test_cancel_mid_import_keeps_whole_files_only(window, qtbot, tmp_path):
    files = [write(tmp_path, name, text) for name, text in
             (("a.txt", ARTICLE_A), ("b.txt", ARTICLE_B), ("c.txt", ARTICLE_C))]
    fa = window.file_actions
    window.project.add_article(text="Already here.", title="Already here.")
    # Another process holds the project's write lock: the import's worker waits for it, the user
    # presses Cancel meanwhile, then the other process commits. (A named pipe used to be the slow
    # file here; pipes are now skipped unread, as issue 7 asks.)
    holder = LockHolder(window.project.path, "UPDATE articles SET title = 'Renamed elsewhere' WHERE id = 1")
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        assert fa.import_paths(files)
        cancel = fa.progress_dialog.findChild(QPushButton)
        assert cancel.text() == "Cancel"
        cancel.click()  # as the user would; the dialog may not have shown yet, so no mouse event
        holder.commit()
    # Whole files only: the other process's change is kept, and no file was half-imported.
    assert article_titles(window.project) == ["Renamed elsewhere"]
    assert window.reports == [("Import", ["imported 0 articles from 0 files; cancelled, 3 files not imported"])]


def test_drop_files_on_the_window_imports_them(window, qtbot, tmp_path):
    paths = [write(tmp_path, "a.txt", ARTICLE_A), write(tmp_path, "b.txt", ARTICLE_B)]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = QPointF(window.rect().center())
    enter = QDragEnterEvent(window.rect().center(), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(centre, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: window.project.article_count() == 2 and window.file_actions.job is None,
                    timeout=10000)
    assert sorted(article_titles(window.project)) == ["Ministry condemns attack", "Rebels enter Velmora"]
    qtbot.waitUntil(lambda: len(window.reports) == 1)


def add_articles(project: Project, count: int) -> None:
    with project.transaction():  # one commit, not one per row
        for n in range(count):
            article = project.add_article(text=f"Rebels entered town number {n} on Friday.",
                                          title=f"a{n}", date="2025-03-14",
                                          status="done" if n % 2 else "new")
            project.add_span(article.id, 0, 6, "ACTOR", annotator="tester")
            project.add_span(article.id, 7, 14, "EVENT", annotator="tester")


def test_export_through_the_dialog_writes_the_file_atomically(window, qtbot, tmp_path):
    add_articles(window.project, 3)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "train.jsonl"
    fa = window.file_actions

    def fill_and_accept(dialog):
        dialog.set_format("spacy")
        dialog.set_status("done")
        dialog.path_edit.setText(str(target))
        dialog.accept()
        return True

    fa.exec_dialog = fill_and_accept
    window.poll_timer.stop()
    window.poll_external_changes()  # add_articles wrote through the window's own connection: nothing
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.export_action.trigger()
    assert not window.poll_external_changes()  # the worker's connection only read
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1  # only the "done" article
    record = records[0]
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == [(0, 6, "ACTOR"), (7, 14, "EVENT")]
    assert record["text"][0:6] == "Rebels"
    assert sorted(p.name for p in out_dir.iterdir()) == ["train.jsonl"]  # no temporary file left
    [(title, lines)] = window.reports
    assert title == "Export" and "wrote 1 record" in lines[0]


def test_first_export_suggests_the_documents_folder_then_the_last_folder_used(window, qtbot, tmp_path):
    from PySide6.QtCore import QStandardPaths

    fa = window.file_actions
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    expected = Path(documents) if documents and Path(documents).is_dir() else Path.home()
    first = fa.make_export_dialog()
    assert Path(first.path_edit.text()).parent == expected
    assert not str(expected).startswith(str(window.project.path.parent))  # not the project's folder
    first.deleteLater()
    add_articles(window.project, 1)
    chosen = tmp_path / "exports"
    chosen.mkdir()

    def fill_and_accept(dialog):
        dialog.path_edit.setText(str(chosen / "train.jsonl"))
        return True

    fa.exec_dialog = fill_and_accept
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.export_action.trigger()
    assert (chosen / "train.jsonl").exists()
    second = fa.make_export_dialog()
    assert Path(second.path_edit.text()).parent == chosen
    second.deleteLater()


def test_doccano_relations_and_spacy_docbin_through_the_dialog(window, qtbot, tmp_path):
    add_articles(window.project, 2)
    article = window.project.article_ids()[0]
    trigger = next(s for s in window.project.spans(article) if s.label == "EVENT")
    actor = next(s for s in window.project.spans(article) if s.label == "ACTOR")
    event = window.project.add_event(trigger.id, type="FIGHT", annotator="tester")
    window.project.add_argument(event.id, "source", actor.id)
    fa = window.file_actions
    choices = iter([("doccano", tmp_path / "rel.jsonl", "relations_check"),
                    ("spacy", tmp_path / "train.jsonl", "docbin_check")])

    def fill_and_accept(dialog):
        fmt, path, extra = next(choices)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.set_format(fmt)
        dialog.path_edit.setText(str(path))
        qtbot.mouseClick(getattr(dialog, extra), Qt.LeftButton)
        assert getattr(dialog, extra).isChecked()
        return True

    fa.exec_dialog = fill_and_accept
    for _ in range(2):
        with qtbot.waitSignal(fa.jobFinished, timeout=20000):
            fa.export_action.trigger()
    first = json.loads((tmp_path / "rel.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert [r["type"] for r in first["relations"]] == ["source"]
    assert (tmp_path / "train.spacy").stat().st_size > 0
    assert "docs to" in window.reports[-1][1][0]


def test_export_dialog_offers_each_annotator_layer_and_exports_only_the_chosen_one(window, qtbot, tmp_path):
    project = window.project
    article = project.add_article(text="Rebels entered Velmora.", title="t", status="done")
    project.add_span(article.id, 0, 6, "ACTOR", annotator="ana")
    project.add_span(article.id, 15, 22, "LOCATION", annotator="ben")
    fa = window.file_actions
    target = tmp_path / "ben.jsonl"

    def choose_ben(dialog):
        combo = dialog.layer_combo
        assert [combo.itemData(i) for i in range(combo.count())] == [None, "gold", "all", "ana", "ben"]
        dialog.set_format("spacy")
        dialog.set_layer("ben")
        dialog.path_edit.setText(str(target))
        return True

    fa.exec_dialog = choose_ben
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.export_action.trigger()
    [record] = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == [(15, 22, "LOCATION")]


def test_export_dialog_counts_what_a_layer_leaves_out_and_the_export_writes_that(window, qtbot, tmp_path):
    """ben read two articles (one empty, done), chen was handed the third and sent nothing back:
    the dialog says what each choice writes and leaves out, refuses chen's with the reason, and
    the file holds exactly what it said."""
    from storage.importing import ImportOptions, import_paths

    texts = [f"Rebels entered Velmora ({n})." for n in range(3)]
    for n, text in enumerate(texts):
        window.project.add_article(text=text, title=f"article {n}")
    for name, records in (("ben", [{"text": texts[0], "spans": [{"start": 0, "end": 6, "label": "ACTOR"}],
                                    "meta": {"status": "done"}}, {"text": texts[1], "meta": {"status": "done"}}]),
                          ("chen", [{"text": texts[2], "meta": {"status": "new"}}])):
        path = write(tmp_path, f"{name}.jsonl", "".join(json.dumps(r) + "\n" for r in records))
        assert import_paths(window.project, [path], options=ImportOptions(annotator=name)).ok
    fa = window.file_actions
    target = tmp_path / "ben.jsonl"
    seen = {}

    def choose(dialog):
        dialog.show()
        ok = dialog.buttons.button(QDialogButtonBox.Ok)
        dialog.set_format("spacy")
        dialog.path_edit.setText(str(target))
        for layer in (None, "gold", "chen", "ben"):
            dialog.set_layer(layer)
            seen[layer] = (dialog.count_label.text(), ok.isEnabled())
        qtbot.mouseClick(ok, Qt.LeftButton)
        return dialog.result() == QDialog.DialogCode.Accepted

    fa.exec_dialog = choose
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.export_action.trigger()
    assert seen[None] == ("Writes 2 of 3 articles. Left out: 1 article has been handed out and nothing came "
                          "back yet (not annotated, not marked done).", True)
    assert seen["chen"] == ("chen's layer has nothing to export yet: 1 article handed out, none annotated or "
                            "marked done; nothing written", False)
    assert seen["gold"][1] is False and seen["gold"][0].startswith("no article has a gold layer yet")
    assert seen["ben"] == ("Writes 2 of 3 articles. Left out: 1 article has nothing from ben (not annotated, "
                           "not marked done).", True)
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [[(s["start"], s["end"]) for s in r["spans"]] for r in records] == [[(0, 6)], []]
    assert window.reports[-1][1][0].endswith("1 article has nothing from ben (not annotated, not marked done): left out")


def test_brat_export_through_the_dialog_writes_a_folder(window, qtbot, tmp_path):
    add_articles(window.project, 2)
    target = tmp_path / "brat"
    fa = window.file_actions

    def fill_and_accept(dialog):
        dialog.set_format("brat")
        dialog.path_edit.setText(str(target))
        dialog.accept()
        return True

    fa.exec_dialog = fill_and_accept
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.export_action.trigger()
    names = sorted(p.name for p in target.iterdir())
    assert "annotation.conf" in names and len([n for n in names if n.endswith(".ann")]) == 2
    checked = []
    for ann in target.glob("*.ann"):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                _, kind_offsets, span_text = line.split("\t")
                _, start, end = kind_offsets.split(" ")
                assert text[int(start):int(end)] == span_text
                checked.append(span_text)
    assert sorted(checked) == ["Rebels", "Rebels", "entered", "entered"]


def test_cancelled_export_leaves_no_file(window, qtbot, tmp_path):
    # More than one batch (200 articles), so the exporter reports progress before it is done.
    add_articles(window.project, 260)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    fa = window.file_actions
    from gui.export_dialog import ExportOptions

    def cancel_on_first_progress(kind):
        # Directly in the worker's thread, before its thread starts: the exporter cannot
        # finish before the cancel lands, as it could if the cancel had to queue for the GUI.
        worker = fa.job.worker
        worker.progressed.connect(lambda *_: worker.cancel(), Qt.DirectConnection)

    fa.jobStarted.connect(cancel_on_first_progress)
    with qtbot.waitSignal(fa.jobFinished, timeout=20000):
        fa.export_with(ExportOptions(format="native", path=out_dir / "all.jsonl"))
    assert list(out_dir.iterdir()) == []
    assert window.reports == [("Export", ["Export cancelled; nothing was written."])]


def test_failed_export_is_reported_not_raised(window, qtbot, tmp_path):
    fa = window.file_actions
    from gui.export_dialog import ExportOptions

    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.export_with(ExportOptions(format="native", path=tmp_path))  # a folder
    [(title, [line])] = window.reports
    assert title == "Export" and line.startswith("Export failed: ") and "folder" in line


def test_open_and_new_project_update_the_recent_menu(window, qtbot, tmp_path, settings):
    fa = window.file_actions
    first = window.project.path.resolve()
    fresh = tmp_path / "second"
    fa.choose_new_project_path = lambda: fresh
    fa.choose_new_scheme = lambda: "plover-2.0"  # what New project offers first
    assert fa.new_project()
    second = tmp_path / "second.annotator.sqlite"
    assert window.project.path == second and second.exists()
    assert window.project.scheme.name == "PLOVER"
    assert fa.recent_projects()[:2] == [second.resolve(), first]
    entries = [a.data() for a in fa.recent_menu.actions()]
    assert entries[:2] == [str(second.resolve()), str(first)]
    assert not fa.recent_menu.actions()[0].isEnabled()  # the open project
    fa.recent_menu.actions()[1].trigger()
    assert window.project.path.resolve() == first
    assert fa.recent_projects()[0] == first


def test_new_project_never_replaces_an_existing_file(window, tmp_path):
    fa = window.file_actions
    errors = []
    fa.show_error = lambda title, message: errors.append(message)
    fa.choose_new_project_path = lambda: window.project.path
    assert not fa.new_project()
    assert "already exists" in errors[0]


def test_open_project_that_is_not_a_project_shows_why(window, tmp_path):
    fa = window.file_actions
    errors = []
    fa.show_error = lambda title, message: errors.append(message)
    junk = write(tmp_path, "junk.sqlite", b"this is not a database" * 100)
    fa.choose_project_to_open = lambda: junk
    before = window.project.path
    fa.open_action.trigger()
    assert len(errors) == 1 and str(junk) in errors[0] and window.project.path == before


def test_labels_dialog_changes_reach_the_window(window, qtbot, tmp_path):
    window.project.add_article(text="Rebels entered Velmora.", title="t")
    window.refresh_articles()
    window.open_article(window.project.article_ids()[0])
    window.document.tag(0, 6, "ACTOR")
    fa = window.file_actions

    def rename_actor(dialog):
        dialog.ask_text = lambda *args: "PARTY"
        dialog.select("ACTOR")
        dialog.rename_selected()
        return False

    fa.exec_dialog = rename_actor
    fa.labels_action.trigger()
    assert [label.name for label in window.project.scheme.labels][0] == "PARTY"
    assert [s.label for s in window.document.spans.values()] == ["PARTY"]


def test_recolouring_a_label_keeps_the_article_and_its_undo_history(window, qtbot, tmp_path):
    window.project.add_article(text="Rebels entered Velmora.", title="t")
    window.refresh_articles()
    window.open_article(window.project.article_ids()[0])
    window.document.tag(0, 6, "ACTOR")
    fa = window.file_actions

    def recolour_actor(dialog):
        dialog.ask_colour = lambda current: "#112233"
        dialog.select("ACTOR")
        dialog.recolour_selected()
        return False

    fa.exec_dialog = recolour_actor
    with qtbot.assertNotEmitted(window.document.articleOpened):  # no re-read of the article
        fa.labels_action.trigger()
    assert window.project.scheme.label("ACTOR").colour == "#112233"
    assert window.document.undo_stack.undoText() == "Tag ‘Rebels’ as ACTOR"  # undo still there
    window.document.undo_stack.undo()
    assert window.project.spans(window.document.article.id) == []


def test_export_dialog_strict_refuses_an_incomplete_frame_and_writes_nothing(window, qtbot, tmp_path):
    project = window.project
    article = project.add_article(text="Rebels entered Velmora.", title="t", status="done")
    trigger = project.add_span(article.id, 7, 14, "EVENT")
    project.add_event(trigger.id)  # no type, required role empty: flagged ⚠
    fa = window.file_actions
    target = tmp_path / "strict.jsonl"

    def choose(strict):
        def fill(dialog):
            dialog.set_format("events")
            dialog.strict_check.setChecked(strict)
            dialog.path_edit.setText(str(target))
            return True
        return fill

    fa.exec_dialog = choose(True)
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.export_action.trigger()
    assert not target.exists()
    [(title, lines)] = window.reports
    assert title == "Export" and "--strict" in lines[0] and "incomplete" in lines[0]

    fa.exec_dialog = choose(False)  # without it the frame is written, and counted
    with qtbot.waitSignal(fa.jobFinished, timeout=10000):
        fa.export_action.trigger()
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1
    assert "written as they are: article 1 event 1: no event type" in window.reports[-1][1][0]
