"""gui.offsets: code points <-> Qt UTF-16 positions, by rule, by property, and in a real QPlainTextEdit."""
from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gui.offsets import OffsetMap, utf16_length

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # four astral people joined by ZWJ: 7 code points, 11 UTF-16 units
SAMPLES = [
    "Mr. Al-Assad’s regime 😀 fell",
    f"{FAMILY} family 👍🏽 and flags 🇺🇸🇬🇧 here",
    "cafe\u0301 n\u0303\u0323 combining marks",
    "قال الرئيس 😀 في دمشق",
    "中文 𠀀𠀁 新聞 ！",
    "😀😀x😀",
]


def _utf16_prefix(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


# --- rules -----------------------------------------------------------------------------------


def test_text_without_astral_characters_maps_to_itself() -> None:
    text = "Syria’s café 中文 قال"
    offsets = OffsetMap(text)
    assert [offsets.to_utf16(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert [offsets.to_code_point(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert offsets.length == offsets.utf16_length == len(text)


def test_each_astral_character_adds_one_unit_after_it() -> None:
    offsets = OffsetMap("a😀b")
    assert [offsets.to_utf16(cp) for cp in range(4)] == [0, 1, 3, 4]
    assert [offsets.to_code_point(u) for u in range(5)] == [0, 1, 1, 2, 3]
    assert (offsets.length, offsets.utf16_length) == (3, 4)


def test_position_inside_a_surrogate_pair_rounds_down() -> None:
    offsets = OffsetMap("😀😀")
    assert offsets.to_code_point(1) == 0
    assert offsets.to_code_point(3) == 1


def test_zwj_family_counts_every_astral_member() -> None:
    offsets = OffsetMap(FAMILY + "!")
    assert offsets.to_utf16(len(FAMILY)) == 11
    assert offsets.to_code_point(11) == 7


@pytest.mark.parametrize("bad", [-1, 4])
def test_positions_outside_the_text_are_refused(bad: int) -> None:
    offsets = OffsetMap("abc")
    with pytest.raises(IndexError):
        offsets.to_utf16(bad)
    with pytest.raises(IndexError):
        offsets.to_code_point(bad)


def test_utf16_length() -> None:
    assert utf16_length("") == 0
    assert utf16_length("abc") == 3
    assert utf16_length("a😀") == 3
    assert utf16_length(FAMILY) == 11
    assert utf16_length("𠀀中") == 3


def test_one_megabyte_builds_and_converts_fast() -> None:
    # Generous bounds (the measured build is a few ms): this guards against an accidental
    # O(n) per call or a per-character Python loop, not against a slow machine.
    plain = "Syria’s news. " * 75_000
    mixed = ("Syria’s news 😀. " * 66_000)[:1_000_000]
    for text in (plain, mixed):
        began = time.perf_counter()
        offsets = OffsetMap(text)
        for cp in range(0, len(text), 100):
            offsets.to_code_point(offsets.to_utf16(cp))
        assert time.perf_counter() - began < 1.0
    assert OffsetMap(mixed).to_utf16(len(mixed)) == utf16_length(mixed)


# --- properties ------------------------------------------------------------------------------

MIXED = st.lists(
    st.sampled_from(["a", " ", "\n", "é", "e\u0301", "ق", "中", "𠀀", "😀", "👍🏽", FAMILY, "🇺🇸"]),
    max_size=40,
).map("".join)


@given(st.one_of(MIXED, st.text(max_size=40)))
def test_to_utf16_matches_encoding_and_round_trips(text: str) -> None:
    offsets = OffsetMap(text)
    assert offsets.utf16_length == utf16_length(text) == _utf16_prefix(text, len(text))
    for cp in range(len(text) + 1):
        u16 = offsets.to_utf16(cp)
        assert u16 == _utf16_prefix(text, cp)
        assert offsets.to_code_point(u16) == cp


@given(st.one_of(MIXED, st.text(max_size=40)))
def test_to_code_point_is_the_last_character_start_at_or_before(text: str) -> None:
    offsets = OffsetMap(text)
    starts = [offsets.to_utf16(cp) for cp in range(len(text) + 1)]
    for u16 in range(offsets.utf16_length + 1):
        cp = offsets.to_code_point(u16)
        assert starts[cp] <= u16
        assert cp == len(text) or starts[cp + 1] > u16


# --- in a real QPlainTextEdit ----------------------------------------------------------------


@pytest.fixture
def editor(qtbot):
    from PySide6.QtWidgets import QPlainTextEdit

    widget = QPlainTextEdit()
    widget.setReadOnly(True)
    qtbot.addWidget(widget)
    return widget


def _select(editor, start: int, end: int) -> str:
    from PySide6.QtGui import QTextCursor

    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    # Qt reports block breaks as U+2029; the stored text has "\n" there.
    return cursor.selectedText().replace("\u2029", "\n")


@pytest.mark.parametrize("text", SAMPLES)
def test_qt_selects_exactly_the_stored_range(editor, text: str) -> None:
    editor.setPlainText(text)
    offsets = OffsetMap(text)
    assert editor.document().characterCount() - 1 == offsets.utf16_length
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            selected = _select(editor, offsets.to_utf16(start), offsets.to_utf16(end))
            assert selected == text[start:end], (start, end)


def test_qt_selection_over_paragraphs(editor) -> None:
    text = "Headline 😀\n\nقال 中文 " + FAMILY + "\nend 👍🏽."
    editor.setPlainText(text)
    offsets = OffsetMap(text)
    assert editor.toPlainText() == text
    for start in range(0, len(text) + 1, 3):
        for end in range(start, len(text) + 1, 2):
            assert _select(editor, offsets.to_utf16(start), offsets.to_utf16(end)) == text[start:end]


@pytest.mark.parametrize("text", SAMPLES)
def test_qt_cursor_positions_map_back_to_code_points(editor, text: str) -> None:
    from PySide6.QtGui import QTextCursor

    editor.setPlainText(text)
    offsets = OffsetMap(text)
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    # Walk the text the way a user's arrow keys do (grapheme by grapheme) and map each stop back.
    while True:
        u16 = cursor.position()
        cp = offsets.to_code_point(u16)
        assert offsets.to_utf16(cp) == u16
        assert _select(editor, 0, u16) == text[:cp]
        if not cursor.movePosition(QTextCursor.MoveOperation.NextCharacter):
            break
    assert offsets.to_code_point(cursor.position()) == len(text)
