"""ArticleListModel pages summaries in lazily and passes the model tester; the dock's filters,
"Next unfinished" and row updates behave as the window needs."""
from __future__ import annotations

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt

from gui.article_list import ArticleList, ArticleListModel
from storage.project import Project


@pytest.fixture
def project(tmp_path):
    project = Project.open(tmp_path / "p.sqlite")
    yield project
    project.close()


def fill(project: Project, n: int) -> None:
    """``n`` short articles, every third about Damascus, straight through the store."""
    with project.transaction():
        for i in range(n):
            place = "Damascus" if i % 3 == 0 else "Homs"
            project.add_article(text=f"Article {i} about {place}.", title=f"Title {i}", date="2024-12-08")


def test_model_passes_qtmodeltester(qtmodeltester, project):
    fill(project, 450)
    qtmodeltester.check(ArticleListModel(project))  # three pages: fetchMore inserts rows
    filtered = ArticleListModel(project)
    filtered.set_filter(status="new", search="damascus")
    qtmodeltester.check(filtered)


def test_model_signals_stay_consistent_under_the_tester(qtmodeltester, project):
    # The C++ tester runs its checks (which call fetchMore) from modelReset before it marks the
    # reset finished; the model loads its first page inside the reset, so a reset of a list
    # that fits one page is followed cleanly.
    fill(project, 40)
    model = ArticleListModel(project)
    qtmodeltester.check(model)
    model.set_filter(status=None, search="damascus")
    model.update_article(model.article_id(0), status="done", span_count=3)
    project.add_article(text="Damascus again.", title="Late", date=None)
    model.reload(keep_loaded=True)
    assert model.rowCount() == model.total == 15


def test_five_thousand_articles_load_a_page_at_a_time(project):
    fill(project, 5000)
    model = ArticleListModel(project)
    assert model.total == 5000
    assert model.rowCount() == ArticleListModel.PAGE < 5000 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * ArticleListModel.PAGE
    assert model.data(model.index(0, model.TITLE)) == "Title 0"
    assert model.data(model.index(0, model.STATUS)) == "New"
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 5000


def test_row_of_far_article_fetches_only_up_to_it(project):
    fill(project, 5000)
    model = ArticleListModel(project)
    last_id = project.article_ids()[-1]
    row = model.row_of(project.article_ids()[1000], fetch=True)
    assert row == 1000 and model.rowCount() < 5000
    assert model.row_of(last_id, fetch=True) == 4999


def test_filters_by_status_and_text(qtbot, project):
    fill(project, 30)
    project.set_status(project.article_ids()[3], "done")
    panel = ArticleList(project)
    qtbot.addWidget(panel)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("done"))
    assert panel.model.total == 1 and panel.model.rowCount() == 1
    panel.status_filter.setCurrentIndex(0)
    qtbot.keyClicks(panel.search_edit, "damascus")
    assert panel.model.total == 30  # debounced: nothing re-queried while typing
    qtbot.waitUntil(lambda: panel.model.total == 10)
    assert all("Damascus" in project.article(panel.model.article_id(r)).text
               for r in range(panel.model.rowCount()))


def test_selecting_a_row_asks_to_open_it_and_select_article_does_not_echo(qtbot, project):
    fill(project, 10)
    panel = ArticleList(project)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    third = project.article_ids()[2]
    with qtbot.assertNotEmitted(panel.articleChosen):
        panel.select_article(third)
    assert panel.current_article_id() == third
    index = panel.model.index(5, 0)
    with qtbot.waitSignal(panel.articleChosen) as chosen:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.table.visualRect(index).center())
    assert chosen.args == [project.article_ids()[5]]
    with qtbot.waitSignal(panel.nextUnfinishedRequested):
        qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)


def test_update_article_repaints_one_row(qtbot, project):
    fill(project, 10)
    model = ArticleListModel(project)
    model.fetchMore()
    article_id = project.article_ids()[4]
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.update_article(article_id, status="done", span_count=7)
    top, bottom = changed.args[0], changed.args[1]
    assert top.row() == bottom.row() == 4
    assert model.summary(4).status == "done" and model.summary(4).span_count == 7


def test_refresh_keeps_the_selection_and_sees_new_articles(qtbot, project):
    fill(project, 10)
    panel = ArticleList(project)
    qtbot.addWidget(panel)
    chosen = project.article_ids()[6]
    panel.select_article(chosen)
    project.add_article(text="Late arrival.", title="Late", date=None)
    panel.refresh()
    assert panel.model.total == 11 and panel.current_article_id() == chosen


def test_neighbour_walks_the_filtered_list(qtbot, project):
    fill(project, 9)
    panel = ArticleList(project)
    qtbot.addWidget(panel)
    panel.model.set_filter(status=None, search="damascus")
    ids = [i for i in project.article_ids() if "Damascus" in project.article(i).text]
    assert panel.neighbour(ids[0], 1) == ids[1]
    assert panel.neighbour(ids[1], -1) == ids[0]
    assert panel.neighbour(ids[-1], 1) is None
    assert panel.neighbour(None, 1) == ids[0]


def test_title_markup_is_never_rich_text(project):
    project.add_article(text="<b>Not bold</b> body", title="<b>Not bold</b>", date=None)
    model = ArticleListModel(project)
    tooltip = model.data(model.index(0, model.TITLE), Qt.ItemDataRole.ToolTipRole)
    assert "<b>Not bold</b>" in tooltip and not QtGui.Qt.mightBeRichText(tooltip)
