"""storage.text: decoding files, normalising newlines, parsing the house header, hashing."""
from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.model import InputError
from storage.text import (
    NormaliseReport,
    ParsedArticle,
    content_hash,
    decode,
    normalise,
    parse_article,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SAMPLE = SHARED / "samples" / "000_be5ca420abf9a110.txt"
HEADLINE = "Events suggest that the end of Bashar Al-Assad’s regime could be imminent."


# --- normalise -------------------------------------------------------------------------------


def test_normalise_leaves_clean_text_alone() -> None:
    text, report = normalise("one\n\ntwo é 😀")
    assert text == "one\n\ntwo é 😀"
    assert not report.changed
    assert report.describe() == ""


def test_normalise_counts_each_kind_of_change() -> None:
    text, report = normalise("\ufeffa\r\nb\r\nc\r\nd\re\u2028f\u2029g")
    assert text == "a\nb\nc\nd\ne\nf\ng"
    assert report == NormaliseReport(crlf=3, cr=1, line_separators=1, paragraph_separators=1, bom=True)
    assert report.changed


def test_describe_names_what_changed() -> None:
    _, report = normalise("\ufeffa\r\nb\r\nc\r\n")
    assert report.describe() == r"3 CRLF line ends → \n; leading BOM dropped"
    _, single = normalise("a\rb\u2029c")
    assert single.describe() == r"1 lone CR → \n; 1 paragraph separator (U+2029) → \n"


def test_cr_before_crlf_is_two_line_ends_not_one() -> None:
    # "\r\r\n" is a lone CR followed by a CRLF: two line breaks, as Qt shows it.
    text, report = normalise("a\r\r\nb")
    assert text == "a\n\nb"
    assert (report.crlf, report.cr) == (1, 1)


def test_only_a_leading_bom_is_dropped() -> None:
    text, report = normalise("a\ufeffb")
    assert text == "a\ufeffb"
    assert not report.bom


def test_every_leading_bom_is_dropped_because_qt_would_drop_one_more() -> None:
    # setPlainText drops exactly one leading U+FEFF: a stored text starting with one would be
    # shown a character shorter, and every offset after it would be off by one.
    text, report = normalise("\ufeff\ufeff\ufeffX\ufeff")
    assert (text, report.bom) == ("X\ufeff", 3)
    assert report.describe() == "3 leading BOMs dropped"


def test_lone_surrogate_is_refused_with_its_offset() -> None:
    garbage = b"abc\xff".decode("utf-8", errors="surrogateescape")
    with pytest.raises(ValueError, match="offset 3"):
        normalise(garbage)
    with pytest.raises(ValueError, match="lone surrogate U\\+D83D at offset 3"):  # 😀 is one
        normalise("é 😀\ud83d tail")


_NEWLINE_SOUP = st.lists(
    st.sampled_from(["a", "é", "😀", " ", "\r", "\n", "\r\n", "\u2028", "\u2029", "\ufeff"]), max_size=40
).map("".join)


@given(_NEWLINE_SOUP)
def test_normalised_text_has_one_newline_convention(raw: str) -> None:
    text, report = normalise(raw)
    assert not set(text) & {"\r", "\u2028", "\u2029"}
    # Every kind of line end became exactly one "\n": no line is lost or invented.
    assert text.count("\n") == raw.count("\n") + report.cr + report.line_separators + report.paragraph_separators
    assert not text.startswith("\ufeff") and report.bom == len(raw) - len(raw.lstrip("\ufeff"))
    assert report.changed == (text != raw)
    assert normalise(text) == (text, NormaliseReport())  # once is enough


# --- decode -----------------------------------------------------------------------------------


def test_decode_utf8_with_and_without_bom() -> None:
    assert decode("Syria’s 😀".encode(), path="a.txt") == "Syria’s 😀"
    assert decode(codecs.BOM_UTF8 + "Syria’s".encode(), path="a.txt") == "Syria’s"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    assert decode(bom + "نص 中文 😀\n".encode(codec), path="a.txt") == "نص 中文 😀\n"


def test_invalid_utf8_names_line_byte_and_the_way_out() -> None:
    data = "first\nsecond\ncaf".encode() + b"\xe9 au lait\n"
    with pytest.raises(InputError) as caught:
        decode(data, path="news/cafe.txt")
    error = caught.value
    assert error.line == 3
    assert error.path == "news/cafe.txt"
    assert error.reason == (
        "not valid UTF-8 at line 3 (byte 0xe9); pass --encoding cp1252 (or iso-8859-15, cp1250), "
        "the encodings that can read it"
    )
    assert str(error).startswith("news/cafe.txt:3: ")


def test_explicit_encoding_decodes_legacy_text() -> None:
    data = "café\n".encode("cp1252")
    assert decode(data, path="a.txt", encoding="cp1252") == "café\n"


@pytest.mark.parametrize("encoding", [None, "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "utf-32", "utf-32-le"])
def test_decode_drops_the_encodings_bom_and_only_that(encoding: str | None) -> None:
    codec = {None: "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(
        encoding, encoding)
    data = "\ufeff\ufeffx".encode(codec)  # the mark, then a U+FEFF that is part of the text
    assert decode(data, path="a.txt", encoding=encoding) == "\ufeffx"


def test_a_legacy_code_page_has_no_bom() -> None:
    assert decode(codecs.BOM_UTF8 + b"x", path="a.txt", encoding="cp1252") == "ï»¿x"


def test_explicit_utf8_drops_a_bom_too() -> None:
    assert decode(codecs.BOM_UTF8 + b"x", path="a.txt", encoding="utf-8") == "x"
    with pytest.raises(InputError, match="the file is empty"):
        decode(codecs.BOM_UTF8, path="a.txt", encoding="utf-8")


def test_explicit_encoding_failure_is_an_input_error_with_line() -> None:
    with pytest.raises(InputError, match="not valid ascii at line 2") as caught:
        decode(b"ok\nnot \xe9 ok", path="a.txt", encoding="ascii")
    assert caught.value.line == 2


def test_unknown_encoding_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        decode(b"text", path="a.txt", encoding="klingon")


def test_nul_bytes_mean_binary() -> None:
    with pytest.raises(InputError, match="looks like a binary file"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", path="photo.txt")


def test_utf16_without_bom_is_refused_with_a_hint() -> None:
    with pytest.raises(InputError, match="--encoding utf-16-le"):
        decode("hello".encode("utf-16-le"), path="a.txt")


def test_nul_characters_after_explicit_decoding_mean_binary() -> None:
    with pytest.raises(InputError, match="binary file .* when read as latin-1; check the --encoding value"):
        decode(b"abc\x00def", path="a.txt", encoding="latin-1")


def test_utf32_is_refused_with_the_encoding_to_pass_then_read_with_it() -> None:
    data = "Talks in Geneva 🙂".encode("utf-32")  # its BOM starts with UTF-16's FF FE
    with pytest.raises(InputError, match="UTF-32 byte-order mark; pass --encoding utf-32"):
        decode(data, path="a.txt")
    assert decode(data, path="a.txt", encoding="utf-32") == "Talks in Geneva 🙂"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (codecs.BOM_UTF8, "the file is empty"),
        (b" \n\t\r\n", "the file contains only whitespace"),
    ],
)
def test_empty_files_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        decode(data, path="empty.txt")
    assert caught.value.reason == reason
    assert caught.value.line is None


def test_truncated_utf16_is_an_input_error() -> None:
    data = codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00"
    with pytest.raises(InputError, match="not valid utf-16 at line 1"):
        decode(data, path="a.txt")


# --- parse_article ----------------------------------------------------------------------------


def test_sample_article_header_becomes_title_date_and_first_paragraph() -> None:
    text, _ = normalise(decode(SAMPLE.read_bytes(), path=str(SAMPLE)))
    article = parse_article(text)
    assert article.title == HEADLINE
    assert article.date == "2024-12-08"
    assert article.text.startswith(HEADLINE + "\n\nBEIRUT — Syria’s prime minister")
    # Apart from the header line, the text is the file's text to the last character.
    body = text.split("\n", 2)[2]
    assert article.text == HEADLINE + "\n\n" + body


@pytest.mark.parametrize(
    "header",
    [
        " date 2024-12-08 Big news",
        "date 2024-12-08 Big news",
        " DATE 2024-12-08 Big news",
        "\tDate 2024-12-08  Big news ",
    ],
)
def test_header_variants_are_accepted(header: str) -> None:
    assert parse_article(header + "\n\nBody.") == ParsedArticle("Big news", "2024-12-08", "Big news\n\nBody.")


def test_blank_lines_after_header_are_collapsed_to_one_paragraph_break() -> None:
    article = parse_article(" date 2024-01-31 Head\n\n \n\nFirst.\n\nSecond.\n")
    assert article.text == "Head\n\nFirst.\n\nSecond.\n"


def test_header_without_blank_line_still_separates_headline() -> None:
    assert parse_article(" date 2024-01-31 Head\nBody").text == "Head\n\nBody"


def test_header_only_file_is_just_the_headline() -> None:
    assert parse_article(" date 2024-01-31 Head") == ParsedArticle("Head", "2024-01-31", "Head")


def test_header_without_headline_keeps_date_and_titles_from_body() -> None:
    assert parse_article(" date 2024-01-31\n\nFirst line.\nMore") == ParsedArticle(
        "First line.", "2024-01-31", "First line.\nMore"
    )


@pytest.mark.parametrize("line, written, headline", [(" date 2024-02-30 Not a day", "2024-02-30", "Not a day"),
                                                     (" date 2025-13-45 Bad date headline", "2025-13-45",
                                                      "Bad date headline")])
def test_an_impossible_date_is_still_a_header_without_a_date_and_with_a_warning(
        line: str, written: str, headline: str) -> None:
    article = parse_article(line + "\n\nBody.")
    assert (article.title, article.date, article.text) == (headline, None, headline + "\n\nBody.")
    assert article.warning == f"line 1: {written} is not a real date; imported without a date"


def test_a_real_date_gives_no_warning() -> None:
    assert parse_article(" date 2024-02-29 Leap day\n\nBody.").warning is None


def test_a_line_that_is_not_a_header_stays_text() -> None:
    text = " dated 2024-01-01 x\n\nBody."
    assert parse_article(text) == ParsedArticle("dated 2024-01-01 x", None, text)


def test_plain_text_is_kept_exactly() -> None:
    text = "\n\n  Floods in Valencia  \nMore text. \n\n"
    assert parse_article(text) == ParsedArticle("Floods in Valencia", None, text)


def test_long_first_line_title_is_truncated() -> None:
    text = "word " * 100
    article = parse_article(text)
    assert len(article.title) <= 200
    assert text.startswith(article.title)
    assert article.text == text


@pytest.mark.parametrize(("raw", "expected"), [
    (" date 2024-12-08 \ufeff", ParsedArticle("", "2024-12-08", "")),
    (" date 2024-12-08 \ufeff Head \ufeff\n\nBody", ParsedArticle("Head", "2024-12-08", "Head\n\nBody")),
    (" date 2024-12-08\n\n\ufeffBody", ParsedArticle("Body", "2024-12-08", "Body")),
])
def test_a_bom_never_starts_the_stored_text_after_a_header(raw: str, expected: ParsedArticle) -> None:
    # The header goes, so what follows it starts the text: Qt would drop a U+FEFF there.
    assert parse_article(raw) == expected


@given(st.lists(st.sampled_from([" date 2024-12-08", " ", "\ufeff", "\n", "Head", "é"]), max_size=12).map("".join))
def test_parsed_text_never_starts_with_a_bom(raw: str) -> None:
    assert not parse_article(normalise(raw)[0]).text.startswith("\ufeff")


def test_blank_text_has_empty_title() -> None:
    assert parse_article("  \n ").title == ""


# --- content_hash -----------------------------------------------------------------------------


def test_content_hash_is_sha256_of_utf8() -> None:
    assert content_hash("Syria’s 😀") == hashlib.sha256("Syria’s 😀".encode("utf-8")).hexdigest()
    assert content_hash("a") != content_hash("a\n")
    assert len(content_hash("")) == 64


@pytest.mark.parametrize("text, encoding", [
    ("叛军周日进入大马士革阿萨德先生离开叙利亚", "utf-16-le"),  # no BOM, and no NUL byte either
    ("叛军周日进入大马士革阿萨德先生离开叙利亚", "utf-16-be"),
    ("Повстанцы вошли в Дамаск в воскресенье.\n", "cp1251"),
    ("Le café était déjà très français.\n", "cp1252"),
    ("Οι αντάρτες μπήκαν στη Δαμασκό.", "cp1253"),
    ("東京で会議が開かれた。", "shift_jis"),
])
def test_the_encodings_suggested_for_a_file_that_is_not_utf8_really_read_it(text, encoding):
    data = text.encode(encoding)
    with pytest.raises(InputError) as caught:
        decode(data, path="a.txt")
    advice = caught.value.reason.split("pass --encoding ", 1)[1].split(", the encoding")[0]
    names = re.findall(r"[\w-]+", advice.replace("(or ", ""))
    assert encoding in names, caught.value.reason
    for name in names:
        data.decode(name)  # every suggestion decodes the bytes
    assert decode(data, path="a.txt", encoding=encoding) == text


@pytest.mark.parametrize("encoding, words", [
    ("rot13", "not a text encoding"), ("hex", "not a text encoding"), ("base64", "not a text encoding"),
    ("idna", "idna"), ("punycode", "punycode"), ("no-such-codec", "unknown encoding"),
])
@pytest.mark.parametrize("data", [b"\xff\xfe\x80abc\n", b"abc-\xe9\nx", b"xn--+++.x"])
def test_an_encoding_that_cannot_read_text_is_one_plain_input_error(encoding, words, data):
    with pytest.raises(InputError) as caught:
        decode(data, path="a.txt", encoding=encoding)
    assert caught.value.path == "a.txt" and words in caught.value.reason
    assert "Error" not in caught.value.reason and "codecs" not in caught.value.reason
