"""Article text on its way in: bytes → str, one newline convention, header parsing, hashing.

Every offset the project stores is a code point into the text this module produces, so the
text must be exactly what the editor shows. Qt silently rewrites some characters on
``setPlainText`` (CRLF, lone CR, U+2028/U+2029, a leading BOM — see QT-NOTES.md "Positions");
``normalise`` makes those rewrites ourselves, once, on import, so the stored string and the
widget's string agree and offsets never drift. Pure Python: no Qt here.
"""
from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from storage.model import InputError, is_iso_date

BOM = "\ufeff"
LINE_SEPARATOR = "\u2028"
PARAGRAPH_SEPARATOR = "\u2029"
TITLE_MAX = 200

# House format: " date YYYY-MM-DD <headline>". The leading space is what the samples have;
# files edited by hand often lose it, so any leading spaces or tabs are accepted.
_HEADER = re.compile(r"[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+(.*))?", re.IGNORECASE)
_LEADING_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")
_HEADLINE_EDGES = re.compile(r"^[\s\ufeff]+|[\s\ufeff]+$")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# The byte-order marks each UTF codec may start with (codec names as codecs.lookup spells them).
_BOM_BYTES: dict[str, tuple[bytes, ...]] = {
    "utf-8": (codecs.BOM_UTF8,), "utf-8-sig": (codecs.BOM_UTF8,),
    "utf-16": _UTF16_BOMS, "utf-16-le": (codecs.BOM_UTF16_LE,), "utf-16-be": (codecs.BOM_UTF16_BE,),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "utf-32-le": (codecs.BOM_UTF32_LE,),
    "utf-32-be": (codecs.BOM_UTF32_BE,),
}
# These consume the mark themselves; the others return it as a U+FEFF character.
_CODECS_EATING_BOM = frozenset({"utf-8-sig", "utf-16", "utf-32"})
# What a file that is not UTF-8 is most often in, most common first; a suggestion is made only
# from those that really decode the bytes (see suggest_encodings).
_CANDIDATE_ENCODINGS = ("cp1252", "iso-8859-15", "cp1250", "cp1251", "koi8-r", "cp1253", "cp1254", "cp1256",
                        "gb18030", "big5", "shift_jis", "euc-kr", "utf-16-le", "utf-16-be", "mac-roman")
# Scripts that are written together (Japanese mixes kanji and kana): one group when ranking.
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "HALFWIDTH", "FULLWIDTH", "IDEOGRAPHIC"})
# Characters of running text besides letters: spaces, digits, punctuation (not symbols like ¼ or ¡).
_WRITING_MARKS = frozenset({"Zs", "Nd", "Po", "Ps", "Pe", "Pd", "Pi", "Pf", "Mn"})
_SAMPLE_BYTES = 1 << 16  # enough to judge an encoding; the whole file is decoded once chosen


@dataclass(frozen=True)
class NormaliseReport:
    """What ``normalise`` changed, so an import can tell the user instead of changing text silently."""

    crlf: int = 0
    cr: int = 0
    line_separators: int = 0
    paragraph_separators: int = 0
    bom: int = 0  # leading byte-order marks dropped (the encoding's own mark included, on import)

    @property
    def changed(self) -> bool:
        """True if the normalised text differs from the input."""
        return bool(self.crlf or self.cr or self.line_separators or self.paragraph_separators or self.bom)

    def describe(self) -> str:
        """A short human summary, e.g. "3 CRLF line ends → \\n; leading BOM dropped"; "" if nothing changed."""
        parts = [
            _count(self.crlf, "CRLF line end", "CRLF line ends") + r" → \n",
            _count(self.cr, "lone CR", "lone CRs") + r" → \n",
            _count(self.line_separators, "line separator (U+2028)", "line separators (U+2028)") + r" → \n",
            _count(self.paragraph_separators, "paragraph separator (U+2029)", "paragraph separators (U+2029)")
            + r" → \n",
        ]
        counts = (self.crlf, self.cr, self.line_separators, self.paragraph_separators)
        kept = [part for part, n in zip(parts, counts) if n]
        if self.bom:
            kept.append("leading BOM dropped" if self.bom == 1 else f"{self.bom} leading BOMs dropped")
        return "; ".join(kept)


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


@dataclass(frozen=True)
class ParsedArticle:
    """An article split into what the list shows (title, date) and what gets annotated (text)."""

    title: str
    date: str | None
    text: str
    # Something the user should hear about, e.g. a header whose date is not a real day.
    warning: str | None = None


def normalise(text: str) -> tuple[str, NormaliseReport]:
    """Return ``text`` with one newline convention and no leading BOM, plus what was changed.

    CRLF, lone CR, U+2028 and U+2029 all become "\\n" because Qt turns each of them into a block
    break anyway; storing them unchanged would make code-point offsets disagree with the widget.
    Every leading U+FEFF goes, not just one: ``setPlainText`` drops exactly one, so a text that
    still started with one would be a character longer than what the editor shows.
    A lone surrogate cannot be shown or encoded as UTF-8, so it is an error (ValueError naming
    its offset) rather than something to guess about.
    """
    if not text.isascii():  # ASCII text cannot hold a surrogate; this check is most of a .txt import
        _refuse_lone_surrogate(text)
    stripped = text.lstrip(BOM)
    bom = len(text) - len(stripped)
    text = stripped
    crlf = cr = line_separators = paragraph_separators = 0
    if "\r" in text:
        crlf = text.count("\r\n")
        text = text.replace("\r\n", "\n")
        cr = text.count("\r")
        text = text.replace("\r", "\n")
    if not text.isascii():
        line_separators = text.count(LINE_SEPARATOR)
        paragraph_separators = text.count(PARAGRAPH_SEPARATOR)
        if line_separators or paragraph_separators:
            text = text.replace(LINE_SEPARATOR, "\n").replace(PARAGRAPH_SEPARATOR, "\n")
    report = NormaliseReport(crlf, cr, line_separators, paragraph_separators, bom)
    return text, report


def _refuse_lone_surrogate(text: str) -> None:
    # Encoding fails exactly at a lone surrogate, and at C speed (a regex search is ~6x slower).
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"lone surrogate U+{ord(text[error.start]):04X} at offset {error.start}") from None


def decode(data: bytes, *, path: str, encoding: str | None = None) -> str:
    """Decode a file's bytes to text, or raise ``InputError`` saying what is wrong and where.

    Without ``encoding`` only UTF-8 (BOM optional) and UTF-16 with a BOM are accepted: guessing
    a legacy code page would silently garble names, so the user is told to pass ``--encoding``.
    The encoding's byte-order mark (if the bytes start with one) is removed, and only that: a
    U+FEFF after it is text, for ``normalise`` to deal with. Binary and empty files are refused
    because an article with no readable text cannot be annotated.
    """
    if encoding is None:
        text = _decode_detected(data, path)
    else:
        codec = _text_codec(encoding, path)
        text = _decode_with(data, path, encoding, advice="check the --encoding value")
        if codec not in _CODECS_EATING_BOM and has_bom(data, encoding):
            text = text[1:]  # e.g. "utf-8" (unlike "utf-8-sig") returns the mark as a character
    if "\x00" in text:
        advice = "" if encoding is None else f" when read as {encoding}; check the --encoding value"
        raise InputError(path, f"looks like a binary file (it contains NUL characters{advice})")
    if not text or text.isspace():  # isspace(), unlike strip(), does not copy a large file
        raise InputError(path, "the file is empty" if not text else "the file contains only whitespace")
    return text


def _text_codec(encoding: str, path: str) -> str:
    """The codec's canonical name; refuses unknown names and codecs that do not make text (hex, rot13)."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(path, f"unknown encoding {encoding!r}; try utf-8, cp1252 or utf-16") from None
    # A private attribute, but the only way to ask: decode() itself refuses these with LookupError.
    if not getattr(info, "_is_text_encoding", True):
        raise InputError(path, f"{encoding!r} is not a text encoding (it turns bytes into bytes); "
                               "try utf-8, cp1252 or utf-16")
    return info.name


def suggest_encodings(data: bytes, *, limit: int = 3) -> list[str]:
    """Encodings (from a list of common ones) that decode ``data`` into plausible text, best first.

    "Plausible": strict decoding succeeds and yields no control or unassigned characters; the
    ranking prefers text whose letters come from one script (UTF-16 read as cp1251 gives a mix of
    Cyrillic and Latin; read as UTF-16 it gives one script) and whose case changes only at word
    starts (UTF-16 read as cp1252 gives "ÛSQhTåe"). Ties go to the more common encoding. Judged
    on the first 64 KB.
    """
    sample = data[:_SAMPLE_BYTES]
    scored = []
    for rank, encoding in enumerate(_CANDIDATE_ENCODINGS):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError as error:
            if error.start < len(sample) - 4:  # a multi-byte character cut by the sample is fine
                continue
            text = sample[:error.start].decode(encoding, errors="ignore")
        score = _plausibility(text)
        if score is not None:
            scored.append((-score, rank, encoding))
    return [encoding for _, _, encoding in sorted(scored)[:limit]]


def _plausibility(text: str) -> float | None:
    """Share of characters that look like writing: letters of the text's main script, spaces,
    digits, punctuation. Odd case changes and mostly accented Latin letters (Russian read as
    cp1252: "Ïîâñòàíöû") count against; control or unassigned characters rule the text out."""
    if not text:
        return None
    scripts: dict[str, int] = {}
    neutral = case_flips = accented = 0
    previous = ""
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cn", "Co", "Cs") and char not in "\t\n\r":
            return None
        if category.startswith("L"):
            script = unicodedata.name(char, "?").split(" ")[0]
            script = "CJK" if script in _EAST_ASIAN else script
            scripts[script] = scripts.get(script, 0) + 1
            case_flips += category == "Lu" and previous == "Ll"
            accented += script == "LATIN" and not char.isascii()
        elif category in _WRITING_MARKS or char in "\t\n\r":
            neutral += 1
        previous = category
    latin = scripts.get("LATIN", 0)
    odd_accents = max(0, accented - latin // 4)  # French has a few per sentence, not most letters
    return (max(scripts.values(), default=0) + neutral - case_flips - odd_accents) / len(text)


def _encoding_advice(data: bytes) -> str:
    found = suggest_encodings(data)
    if not found:
        return "pass --encoding with the file's encoding (none of the common ones reads it)"
    return "pass --encoding " + found[0] + (f" (or {', '.join(found[1:])})" if found[1:] else "") + \
        ", the encoding" + ("s" if found[1:] else "") + " that can read it"


def has_bom(data: bytes, encoding: str | None = None) -> bool:
    """True when ``data`` starts with a byte-order mark of ``encoding`` (default: UTF-8 or UTF-16).

    With a legacy code page those bytes are characters, not a mark, so the answer is False.
    """
    if encoding is None:
        return data.startswith((codecs.BOM_UTF8, *_UTF16_BOMS))
    marks = _BOM_BYTES.get(codecs.lookup(encoding).name)
    return marks is not None and data.startswith(marks)


def _decode_detected(data: bytes, path: str) -> str:
    """UTF-16 when a BOM says so, else strict UTF-8; NUL bytes outside UTF-16 mean binary."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE starts both
        raise InputError(path, "starts with a UTF-32 byte-order mark; pass --encoding utf-32 to read it")
    if data.startswith(_UTF16_BOMS):
        return _decode_with(data, path, "utf-16", advice="the file starts with a UTF-16 byte-order mark")
    if b"\x00" in data:
        wide = [e for e in suggest_encodings(data) if e.startswith("utf-16")]
        raise InputError(
            path,
            "looks like a binary file (it contains NUL bytes)" + (
                f"; it reads as UTF-16 without a byte-order mark: pass --encoding {' or '.join(wide)}"
                if wide else ""),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = _line_of(data, error.start, "utf-8")
        raise InputError(
            path,
            f"not valid UTF-8 at line {line} (byte 0x{data[error.start]:02x}); {_encoding_advice(data)}",
            line=line,
        ) from None


def _decode_with(data: bytes, path: str, encoding: str, *, advice: str) -> str:
    """Strict decoding with a named codec; an unknown name or a bad byte is the user's to fix."""
    _text_codec(encoding, path)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = _line_of(data, error.start, encoding)
        shown = f" (byte 0x{data[error.start]:02x})" if error.start < len(data) else ""
        raise InputError(path, f"not valid {encoding} at line {line}{shown}; {advice}", line=line) from None
    except UnicodeError as error:  # idna, punycode: their own rules, no position
        reason = str(error).rsplit(": ", 1)[-1].rstrip(")")
        raise InputError(path, f"cannot be read as {encoding} ({reason}); {advice}") from None


def _line_of(data: bytes, byte_offset: int, encoding: str) -> int:
    """1-based line of a byte offset, counted in decoded text so multi-byte codecs count right."""
    try:
        head = data[:byte_offset].decode(encoding, errors="replace")
    except UnicodeError:  # a codec without "replace" (idna): ASCII-based, so count the bytes
        return data.count(b"\n", 0, byte_offset) + 1
    return head.count("\n") + 1


def parse_article(text: str) -> ParsedArticle:
    """Split normalised text into title, date and the text to annotate.

    With the house header (" date YYYY-MM-DD <headline>", a blank line, paragraphs) the
    headline becomes the title *and* the first paragraph of the stored text, so it can be
    annotated too; the "date …" prefix is dropped. A header whose date is not a real day
    (2025-13-45) is still a header: the article gets no date and a ``warning`` saying why, rather
    than keeping "date 2025-13-45" in its text and title. Any other text is stored unchanged
    (offsets must match the file the user sees) and its first non-empty line is the title.
    """
    first_line, newline, rest = text.partition("\n")
    header = _parse_header(first_line)
    if header is None:
        return ParsedArticle(title=_first_line_title(text), date=None, text=text)
    written, headline = header
    date = written if is_iso_date(written) else None
    warning = None if date else f"line 1: {written} is not a real date; imported without a date"
    body = rest[_LEADING_BLANK_LINES.match(rest).end():] if newline else ""
    if not headline:
        body = body.lstrip(BOM)  # it starts the stored text now: see normalise on a leading U+FEFF
        return ParsedArticle(title=_first_line_title(body), date=date, text=body, warning=warning)
    stored = f"{headline}\n\n{body}" if body else headline
    return ParsedArticle(title=_truncate(headline), date=date, text=stored, warning=warning)


def _parse_header(line: str) -> tuple[str, str] | None:
    """(date as written, headline) of a house header line, or None if the line is not one."""
    match = _HEADER.fullmatch(line)
    if match is None:
        return None
    # A U+FEFF at either end goes with the spaces: the headline may start the stored text.
    return match.group(1), _HEADLINE_EDGES.sub("", match.group(2) or "")


def _first_line_title(text: str) -> str:
    """The first non-empty line, stripped and truncated; "" for blank text."""
    start = 0
    while start < len(text):  # line by line: split("\n") would copy the whole article
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].strip()
        if line:
            return _truncate(line)
        start = end + 1
    return ""


def _truncate(title: str) -> str:
    # The title is for lists and window captions; the full line stays in the text.
    return title[:TITLE_MAX].rstrip()


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the UTF-8 text; the project uses it to spot duplicate imports."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
