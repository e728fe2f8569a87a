"""storage.sentences: sentence and token ranges on real news text, other scripts, and random text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.sentences import sentence_at, sentences, tokens
from storage.text import parse_article

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SAMPLE = SHARED / "samples" / "000_be5ca420abf9a110.txt"
DOCCANO_TO_CONLL = SHARED / "interop" / "doccano-to-conll"
NEWS_AR_ZH = SHARED / "interop" / "news-ar-zh"
FAMILY = "👨\u200d👩\u200d👧\u200d👦"
ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # flag: black flag + tag letters


def split(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences(text)]


def words(text: str) -> list[str]:
    return [text[s:e] for s, e in tokens(text)]


# --- sentences on the sample article ---------------------------------------------------------


@pytest.fixture(scope="module")
def sample_text() -> str:
    return parse_article(SAMPLE.read_text(encoding="utf-8")).text


def test_sample_article_sentences(sample_text: str) -> None:
    found = split(sample_text)
    assert len(found) == 28
    assert found[0] == "Events suggest that the end of Bashar Al-Assad’s regime could be imminent."
    assert found[2] == (
        "“I am in my house and I have not left, and this is because of my belonging to this country,” "
        "Mr. Jalili said in a video statement."
    )
    assert "Residents of the capital reported hearing gunfire and explosions." in found
    assert found[-1].endswith("said he feels “sorry for the Syrian people.”")


def test_sample_article_never_breaks_after_mr(sample_text: str) -> None:
    found = split(sample_text)
    assert sample_text.count("Mr. ") == 8
    assert not [s for s in found if s.endswith("Mr.") or s.startswith("Al-Assad")]


def test_every_paragraph_ends_a_sentence(sample_text: str) -> None:
    ends = {e for _, e in sentences(sample_text)}
    paragraph_ends = {i for i, c in enumerate(sample_text) if c == "\n" and sample_text[i - 1] != "\n"}
    assert paragraph_ends <= ends


# --- sentence rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith met Mrs. Jones and Dr. Who.",
        "Gen. Lee and Lt. Col. Smith and Prof. Xavier spoke.",
        "U.S. officials met U.N. and E.U. envoys in the U.K. Today.",
        "J. Smith and A. B. Jones signed.",
        "Apple Inc. Shares rose; Acme Corp. And Foo Ltd. Too.",
        "It was No. 5 on Jan. 12 and Sept. 3 vs. Team B.",
        "Apples, pears, etc. And more.",
        "Values like 3.5 and 2.75 stay whole.",
        "He left. she stayed.",
        "“Why?” he asked.",
        "Wait... and see.",
        "St. Petersburg and Sen. Warren and Gov. Newsom met Pres. Biden.",
    ],
)
def test_no_break(text: str) -> None:
    assert split(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He left. She stayed.", ["He left.", "She stayed."]),
        ("Why? Because! Fine.", ["Why?", "Because!", "Fine."]),
        ("He said “go.” Then he left.", ["He said “go.”", "Then he left."]),
        ("He left. “Go,” she said.", ["He left.", "“Go,” she said."]),
        ("It ended (finally.) Then more.", ["It ended (finally.)", "Then more."]),
        ("Prices rose 5%. 12 firms fell.", ["Prices rose 5%.", "12 firms fell."]),
        ("Wait... What?", ["Wait...", "What?"]),
        ("Élan vital. Über alles.", ["Élan vital.", "Über alles."]),
        ("Headline\n\nBody one. Body two.", ["Headline", "Body one.", "Body two."]),
        ("no full stop\nat the line end", ["no full stop", "at the line end"]),
        ("  padded.   Next.  \n", ["padded.", "Next."]),
        ("He moved to the U.S. “It was hard,” he said.", ["He moved to the U.S. “It was hard,” he said."]),
    ],
)
def test_breaks(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_arabic_question_mark_and_full_stop_end_sentences() -> None:
    assert split("هل أنت بخير؟ نعم أنا بخير. شكرا لك.") == ["هل أنت بخير؟", "نعم أنا بخير.", "شكرا لك."]


def test_cjk_terminators_need_no_space() -> None:
    assert split("你好。我很好！你呢？好") == ["你好。", "我很好！", "你呢？", "好"]
    assert split("他說：“好。”然後走了。") == ["他說：“好。”", "然後走了。"]


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert sentences("") == []
    assert sentences(" \n\n\t") == []


def test_sentence_at_finds_the_sentence_holding_an_offset() -> None:
    text = "  One. Two.\n\nThree."
    bounds = sentences(text)
    assert bounds == [(2, 6), (7, 11), (13, 19)]
    assert sentence_at(bounds, 0) == (2, 6)  # before the first sentence
    assert sentence_at(bounds, 5) == (2, 6)
    assert sentence_at(bounds, 6) == (2, 6)  # the gap after a sentence belongs to it
    assert sentence_at(bounds, 7) == (7, 11)
    assert sentence_at(bounds, 12) == (7, 11)
    assert sentence_at(bounds, 18) == (13, 19)
    assert sentence_at(bounds, 99) == (13, 19)
    with pytest.raises(ValueError):
        sentence_at([], 0)


# --- tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bashar Al-Assad’s regime.", ["Bashar", "Al-Assad", "’", "s", "regime", "."]),
        ("a 14-year war on 1996-12-06", ["a", "14-year", "war", "on", "1996-12-06"]),
        ("SOCCER - JAPAN", ["SOCCER", "-", "JAPAN"]),
        ("well--known -x y-", ["well", "-", "-", "known", "-", "x", "y", "-"]),
        ("“extend its hand”", ["“", "extend", "its", "hand", "”"]),
        ("don't", ["don", "'", "t"]),
        ("$5,000.50", ["$", "5", ",", "000", ".", "50"]),
        ("cafe\u0301s naïve", ["cafe\u0301s", "naïve"]),
        ("مُحَمَّد قال", ["مُحَمَّد", "قال"]),
        ("می\u200cخواهم", ["می\u200cخواهم"]),
        ("中文abc字", ["中", "文", "abc", "字"]),
        ("𠀀𠀁", ["𠀀", "𠀁"]),
        (f"Ok👍🏽 {FAMILY}!", ["Ok", "👍🏽", FAMILY, "!"]),
        (f"🇺🇸🇬🇧 {ENGLAND}", ["🇺🇸", "🇬🇧", ENGLAND]),
        ("❤\ufe0f 1\ufe0f\u20e3 🏳\ufe0f\u200d🌈", ["❤\ufe0f", "1\ufe0f\u20e3", "🏳\ufe0f\u200d🌈"]),
        ("!\u0301 \u0301", ["!\u0301", "\u0301"]),
        ("a\u200d b", ["a\u200d", "b"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_tokens_of_a_slice_are_absolute_offsets() -> None:
    text = "One two. Three four."
    assert tokens(text, 9, 20) == [(9, 14), (15, 19), (19, 20)]
    assert tokens(text, 0, 2) == [(0, 2)]  # the end bound cuts, as a sentence end would


def test_sample_article_tokens_are_words_and_punctuation(sample_text: str) -> None:
    found = words(sample_text)
    assert found[:8] == ["Events", "suggest", "that", "the", "end", "of", "Bashar", "Al-Assad"]
    assert found.count("Al-Assad") == sample_text.count("Al-Assad")
    assert all(w.isalnum() or len(w) == 1 or "-" in w for w in found)


# --- the doccano → CoNLL-2003 oracle ---------------------------------------------------------


def _conll_documents(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Documents → sentences → (token, tag), from a CoNLL-2003 file with -DOCSTART- lines."""
    documents: list[list[list[tuple[str, str]]]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        rows = [line.split(" ") for line in block.strip().split("\n") if line.strip()]
        if rows and rows[0][0] == "-DOCSTART-":
            documents.append([])
            rows = rows[1:]
        if rows:
            documents[-1].append([(row[0], row[-1]) for row in rows])
    return documents


def _iob2(text: str, bounds: list[tuple[int, int]], labels: list[list]) -> list[str]:
    """IOB2 tags of tokens from character spans: the minimal exporter the oracle checks us against."""
    tags = []
    for start, end in bounds:
        covering = [(s, label) for s, e, label in labels if s <= start and end <= e]
        if not covering:
            tags.append("O")
        else:
            s, label = covering[0]
            tags.append(("B-" if s == start else "I-") + label)
    return tags


def test_doccano_to_conll_oracle_tokens_sentences_and_tags() -> None:
    lines = (DOCCANO_TO_CONLL / "labeling_text_label.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    documents = _conll_documents(DOCCANO_TO_CONLL / "labeling_text_label.conll2003")
    assert len(records) == len(documents) == 2
    for record, expected in zip(records, documents):
        text = record["text"]
        got = []
        for start, end in sentences(text):
            bounds = tokens(text, start, end)
            tags = _iob2(text, bounds, record["labels"])
            got.append([(text[s:e], tag) for (s, e), tag in zip(bounds, tags)])
        assert got == expected


def test_doccano_entity_offsets_fall_on_token_boundaries() -> None:
    for line in (DOCCANO_TO_CONLL / "labeling_multi_users.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        bounds = tokens(record["text"])
        starts, ends = {s for s, _ in bounds}, {e for _, e in bounds}
        for span in record["annotations"]:
            assert span["start_offset"] in starts and span["end_offset"] in ends


# --- Arabic, Chinese and English news, one sentence per line (UD PUD) ------------------------

# Where our rules and the UD annotators disagree, on purpose: a "..." followed by a caseless
# Arabic word, and a two-sentence quotation that UD keeps as one sentence.
KNOWN_EXTRA_BREAKS = {"ar_n01002.txt": 1, "ar_n01022.txt": 1}


@pytest.mark.parametrize("path", sorted(NEWS_AR_ZH.glob("*_n*.txt")), ids=lambda p: p.name)
def test_ud_news_sentences_match_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = [(text.index(ln), text.index(ln) + len(ln)) for ln in text.split("\n") if ln.strip()]
    bounds = sentences(text)
    cuts = {e for _, e in bounds}
    assert {e for _, e in lines} <= cuts  # every UD sentence end is one of ours
    assert len(bounds) - len(lines) == KNOWN_EXTRA_BREAKS.get(path.name, 0)


def test_chinese_tokens_are_single_ideographs_and_punctuation() -> None:
    text = (NEWS_AR_ZH / "zh_n01001.txt").read_text(encoding="utf-8")
    assert all(e - s == 1 for s, e in tokens(text))


def test_arabic_tokens_are_whole_words() -> None:
    text = (NEWS_AR_ZH / "ar_n01001.txt").read_text(encoding="utf-8")
    assert words(text)[:4] == ["كتبت", "كوري", "شولمان", ","]
    # Oracle: put spaces around the only punctuation in this text, then split on whitespace.
    spaced = text
    for mark in ',:".':
        spaced = spaced.replace(mark, f" {mark} ")
    assert words(text) == spaced.split()


# --- properties over mixed scripts -----------------------------------------------------------

# Each atom is one user-perceived character (grapheme); text is built from atoms, so a range
# boundary that falls inside an atom splits a grapheme.
GRAPHEMES = [
    "a", "Z", "M", "r", "7", "é", "e\u0301", "n\u0303\u0323", "م", "مُ", "ب", "中", "文", "𠀀",
    "😀", "👍🏽", FAMILY, "🏳\ufe0f\u200d🌈", "❤\ufe0f", "🇺🇸", "1\ufe0f\u20e3", ENGLAND,
    ".", "?", "!", "؟", "。", "！", ",", "’", "-", "“", "”", "\"", "(", ")",
    " ", " ", "\n", "\n", "\u00a0", "\t",
]
graphemes = st.lists(st.sampled_from(GRAPHEMES), max_size=60)


def _boundaries(atoms: list[str]) -> set[int]:
    positions, at = {0}, 0
    for atom in atoms:
        at += len(atom)
        positions.add(at)
    return positions


def _check_ranges(text: str, ranges: list[tuple[int, int]]) -> None:
    for start, end in ranges:
        piece = text[start:end]
        assert piece and piece == piece.strip(), (start, end, piece)
    flat = [i for r in ranges for i in r]
    assert flat == sorted(flat)  # sorted and non-overlapping


def _covered(ranges: list[tuple[int, int]]) -> set[int]:
    return {i for s, e in ranges for i in range(s, e)}


@given(graphemes)
def test_sentences_are_trimmed_ordered_and_cover_all_text(atoms: list[str]) -> None:
    text = "".join(atoms)
    bounds = sentences(text)
    _check_ranges(text, bounds)
    assert all("\n" not in text[s:e] for s, e in bounds)
    assert {i for i, c in enumerate(text) if not c.isspace()} <= _covered(bounds)
    assert {i for s, e in bounds for i in (s, e)} <= _boundaries(atoms)


@given(graphemes)
def test_tokens_are_trimmed_ordered_cover_all_text_and_keep_graphemes(atoms: list[str]) -> None:
    text = "".join(atoms)
    found = tokens(text)
    _check_ranges(text, found)
    assert not any(c.isspace() for s, e in found for c in text[s:e])
    assert {i for i, c in enumerate(text) if not c.isspace()} == _covered(found)
    assert {i for s, e in found for i in (s, e)} <= _boundaries(atoms)


@given(graphemes)
def test_tokens_of_each_sentence_are_the_tokens_of_the_text(atoms: list[str]) -> None:
    text = "".join(atoms)
    per_sentence = [t for s, e in sentences(text) for t in tokens(text, s, e)]
    # A sentence end never falls inside a token, so tokenising per sentence changes nothing
    # unless a sentence ends in the middle of a hyphenated word or grapheme (it cannot).
    assert per_sentence == tokens(text)


@given(st.text(max_size=80))
def test_ranges_hold_for_any_text(text: str) -> None:
    _check_ranges(text, sentences(text))
    _check_ranges(text, tokens(text))
