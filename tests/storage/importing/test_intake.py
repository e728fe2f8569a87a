"""The shared JSON scanner: JSON Lines, pretty-printed objects and arrays, whole or in small pieces."""
from __future__ import annotations

import json

import pytest

from storage.importing import intake
from storage.importing.intake import _json_from_chunks, json_values, stream_lines, text_chunks
from storage.model import InputError

RECORDS = [{"text": "Rebels\ntook Aleppo " * (n % 7 + 1), "n": n, "s": "é😊" * (n % 5)} for n in range(300)]
LAYOUTS = {"jsonl": "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS),
           "array": json.dumps(RECORDS, indent=1, ensure_ascii=False),
           "pretty": "".join(json.dumps(r, indent=2) + "\n" for r in RECORDS)}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("size", [1, 13, 4096])
def test_pieces_of_any_size_give_the_same_values_and_lines(layout, size):
    content = LAYOUTS[layout]
    whole = list(json_values(content, "f"))
    pieces = iter([content[i:i + size] for i in range(0, len(content), size)])
    assert list(_json_from_chunks(pieces, "f", piece=size)) == whole
    assert [value for _, value in whole] == RECORDS
    lines = [line for line, _ in whole]
    assert lines == sorted(set(lines)) and (layout != "jsonl" or lines == list(range(1, 301)))
    assert all(content.split("\n")[line - 1].strip() in ("{", "{\"text\": " + json.dumps(value["text"]) + ",")
               or content.split("\n")[line - 1].startswith("{") for line, value in whole)


@pytest.mark.parametrize("text, message, line", [
    ('{"a": 1}\n{"a": \n', "cut off", 2),
    ('[{"a": 1},\n {"a": 2}\n', "the JSON array is not closed", 3),
    ('{"a": 1}\n{"a" 2}\n', "malformed JSON: Expecting ':' delimiter", 2),
    ('{"a": 1}\n{"a": "b" "c": 1}\n', "malformed JSON: Expecting ',' delimiter (column 11)", 2),
    ('{"a": 1}\n{"text": "Google buys Fit', "cut off (a truncated file?)", 2),  # inside a string
    ('[{"a": 1} {"a": 2}]', "expected , or ]", 1),
])
def test_broken_json_names_the_line_whole_or_in_pieces(text, message, line):
    for pieces in ([text], [text[i:i + 3] for i in range(0, len(text), 3)]):
        with pytest.raises(InputError) as caught:
            list(_json_from_chunks(iter(pieces), "f", piece=3))
        assert message in caught.value.reason and caught.value.line == line


def test_stream_lines_numbers_every_line(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("one\ntwo\n\nfour", encoding="utf-8")
    assert list(stream_lines(str(path), encoding=None)) == [(1, "one"), (2, "two"), (3, ""), (4, "four")]


@pytest.mark.parametrize("content", ["", "a", "a\n", "one\ntwo\n\nfour", "\n\n", "x" * 70 + "\n" + "y" * 3,
                                     "é\n😊\r\nz\u2028q\n", ("{}\n" * 40) + "z" * 130])
@pytest.mark.parametrize("piece", [1, 7, 50, None])
def test_stream_long_lines_gives_the_lines_stream_lines_gives(tmp_path, monkeypatch, content, piece):
    """Found by str.find instead of split, a piece at a time or whole: the same numbered lines
    (split on "\n" only, a last empty line included), or the same refusal."""
    if piece is not None:
        monkeypatch.setattr(intake, "STREAM_ABOVE", 0)
        monkeypatch.setattr(intake, "_CHUNK", piece)
    path = tmp_path / "a.jsonl"
    path.write_text(content, encoding="utf-8", newline="")

    def lines(read):
        try:
            return list(read(str(path), encoding=None))
        except InputError as error:
            return str(error)

    assert lines(intake.stream_long_lines) == lines(stream_lines)
    if content.strip():  # (a file of whitespace alone, read whole, is refused by both)
        assert lines(stream_lines) == list(enumerate(content.split("\n"), 1))


@pytest.mark.parametrize("content", ["", "short\n" + "x" * 40 + "\nend", "x" * 9 + "\n" + "y" * 8,
                                     "a b\n" + "w " * 30 + "O\n\nlast " * 3, "z" * 25])
@pytest.mark.parametrize("piece", [1, 3, 7, 8])
def test_line_batches_keeps_of_a_line_too_long_only_its_start_and_length(tmp_path, monkeypatch, content, piece):
    """A streamed file read a piece at a time: every line as split gives it, but one longer than
    ``longest``, which is its first ``longest`` characters and the whole line's length."""
    monkeypatch.setattr(intake, "STREAM_ABOVE", 0)
    monkeypatch.setattr(intake, "_CHUNK", piece)
    path = tmp_path / "a.conll"
    path.write_text(content, encoding="utf-8", newline="")
    read = [line for lines in intake.line_batches(str(path), encoding=None, longest=8) for line in lines]
    assert [(str(line), getattr(line, "length", None)) for line in read] == [
        (line[:8], len(line)) if len(line) > 8 else (line, None) for line in content.split("\n")]
    assert all(isinstance(line, intake.LongLine) == (len(whole) > 8) for line, whole in zip(read, content.split("\n")))


@pytest.mark.parametrize("bad, message", [("\x00", "looks like a binary file"), ("\udcff", "not valid utf-8 text")])
def test_a_file_read_in_pieces_names_the_line_of_a_nul_or_of_the_piece_that_does_not_decode(
        tmp_path, monkeypatch, bad, message):
    monkeypatch.setattr(intake, "STREAM_ABOVE", 0)
    monkeypatch.setattr(intake, "_CHUNK", 50)
    lines = [json.dumps({"text": f"Rebels took Aleppo {n}"}) for n in range(1, 400)]
    lines[299] = lines[299].replace("Aleppo", f"Ale{bad}ppo")
    path = tmp_path / "big.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))  # \udcff: the byte 0xff
    pieces = []
    with pytest.raises(InputError) as caught:
        for piece in text_chunks(str(path), encoding=None):
            pieces.append(piece)
    assert message in caught.value.reason
    if bad == "\x00":
        assert caught.value.line == 300
    else:  # the line on which the last piece that decoded ends, where the bad one starts
        assert caught.value.line == "".join(pieces).count("\n") + 1 > 1


@pytest.mark.parametrize("text", [
    '{"id": 123456789012345678901234, "n": -9223372036854775809, "u": 18446744073709551615}',
    '{"a": NaN, "b": Infinity, "c": 1e400, "d": -1e400, "e": 1.5e-400}',
    '{"s": "\\ud800", "t": "\\udfff\\ud800", "ok": "\\ud83d\\ude00"}',
    '{"a": 1, "a": 2, "f": 0.30000000000000004, "g": 2.2250738585072011e-308, "z": -0.0, "i": -0}',
    '{"deep": ' + "[" * 300 + "]" * 300 + "}",
    '  {"spaces": [ 1 , 2 ] }\r',
    '"\u2028 and \u0085 raw"',
])
def test_parse_json_gives_the_values_json_gives(text):
    """The fast decoder or json: the same value, to the type (a big integer stays an integer)."""
    value = intake.parse_json(text, "f", line=3)
    assert repr(value) == repr(json.loads(text))
    assert type(value) is type(json.loads(text))


@pytest.mark.parametrize("text", ['{"a": 1,}', '{"a": 1} x', '[1 2]', '{"a": "\t"}', "", "01", '"\\x"', "tru"])
def test_parse_json_refuses_what_json_refuses_with_its_message(text):
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(InputError) as caught:
        intake.parse_json(text, "f.jsonl", line=7)
    assert caught.value.line == 7
    assert f"malformed JSON: {expected.value.msg} (column {expected.value.colno})" in str(caught.value)


ODD_LINES = [  # each a JSON Lines record that msgspec reads, or refuses for json to read or word
    '{"id": 123456789012345678901234, "n": -9223372036854775809, "u": 18446744073709551615}',
    '{"a": NaN, "b": Infinity, "c": 1e400, "d": -1e400, "e": 1.5e-400}',
    '{"s": "\\ud800", "t": "\\udfff\\ud800", "ok": "\\ud83d\\ude00"}',
    '{"a": 1, "a": 2, "f": 0.30000000000000004, "g": 2.2250738585072011e-308, "z": -0.0, "i": -0}',
    '  {"spaces": [ 1 , 2 ] }\r',
    '"\u2028 and \u0085 raw"',
    '\ufeff{"bom": 1}',
    '{"a": 1} {"b": 2}',
    '[1, 2]',
    '7',
]


@pytest.mark.parametrize("layout", ["jsonl", "array"])
def test_json_lines_read_whole_by_msgspec_give_what_json_gives(layout, monkeypatch):
    """A line that is one whole value is read by msgspec (_whole_line): the values, their types
    and their lines are what json's raw_decode alone gives (msgspec absent), whatever the line."""
    content = ("\n".join(ODD_LINES) + "\n" if layout == "jsonl"
               else "[\n" + ",\n".join(line for line in ODD_LINES if "} {" not in line) + "\n]\n")
    fast = list(json_values(content, "f"))
    monkeypatch.setattr(intake, "_fast_decode", None)
    plain = list(json_values(content, "f"))
    assert repr(fast) == repr(plain) and [type(v) for _, v in fast] == [type(v) for _, v in plain]
    assert len(fast) == len(ODD_LINES) + (layout == "jsonl") - (layout == "array")


@pytest.mark.parametrize("content", [
    json.dumps(RECORDS, ensure_ascii=False) + "\n",  # json.dump and a newline, jq -c: one line
    "".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n",  # values run together
])
def test_values_sharing_one_line_are_not_each_tried_whole(content, monkeypatch):
    """msgspec is tried on a line's text once, not once per value on it: each try copies the rest
    of the line, so a one-line array of n records cost n² (a 1 MB doccano export: 0.6 s -> 6.4 s)."""
    tried = []
    fast = intake._fast_decode
    monkeypatch.setattr(intake, "_fast_decode", lambda text: tried.append(len(text)) or fast(text))
    values = [value for _, value in json_values(content, "f")]
    assert values == RECORDS
    assert len(tried) == 1
    for size in (1, 13, 4096):  # in pieces, where the line's newline is found anew after each refill
        pieces = iter([content[i:i + size] for i in range(0, len(content), size)])
        assert list(_json_from_chunks(pieces, "f", piece=size)) == [(1, r) for r in RECORDS]


CONTENTS = {
    "utf-8": "Rebels took Aleppo.\n".encode(), "utf-8 with a mark": b"\xef\xbb\xbfRebels took Aleppo.",
    "a mark and U+FEFF": "\ufeff\ufeffRebels".encode(), "non-ASCII": "Hamé 😊\r\n".encode(),
    "utf-16": "Rebels took Aleppo.".encode("utf-16"), "utf-16 big-endian": b"\xfe\xff" + "Rebels".encode("utf-16-be"),
    "utf-32": "Rebels".encode("utf-32"), "utf-32 big-endian": b"\x00\x00\xfe\xff" + "Rebels".encode("utf-32-be"),
    "a NUL": b"Rebels\x00took", "cp1252": "Hamé".encode("cp1252"), "empty": b"", "a mark alone": b"\xef\xbb\xbf",
    "spaces": b" \r\n\t ", "Unicode spaces": "\u2003\u2028 ".encode(), "a lone surrogate's bytes": b"a\xed\xa0\x80",
}


@pytest.mark.parametrize("allow_empty", [False, True])
@pytest.mark.parametrize("name", CONTENTS)
def test_read_text_gives_what_decode_gives(tmp_path, name, allow_empty):
    """The usual UTF-8 file is read without ``decode``'s detection (read_text's first try): the
    same text, or the same refusal, for every kind of file."""
    from storage.text import decode
    path = tmp_path / "file.txt"
    path.write_bytes(CONTENTS[name])
    try:
        expected: object = ("", CONTENTS[name]) if allow_empty and not CONTENTS[name].strip() else (
            decode(CONTENTS[name], path=str(path)), CONTENTS[name])
    except InputError as error:
        expected = str(error)
    try:
        got: object = intake.read_text(str(path), encoding=None, allow_empty=allow_empty)
    except InputError as error:
        got = str(error)
    assert got == expected


@pytest.mark.parametrize("size", [0, 1, intake._CHUNK - 1, intake._CHUNK, intake._CHUNK + 1, 3 * intake._CHUNK + 7])
def test_read_bytes_reads_a_file_of_any_size_whole_or_its_head(tmp_path, size):
    """A file is read in one call when it is small (its size and a byte more asked), in pieces otherwise."""
    content = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "file.bin"
    path.write_bytes(content)
    assert intake.read_bytes(str(path)) == content
    assert intake.read_bytes(str(path), limit=1000) == content[:1000]
