"""The import command line: exit status, messages on stderr, --encoding passed through."""
from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

import main
from storage.project import Project


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def run_import(tmp_path: Path, *args: str | Path) -> int:
    return main.main(["--project", str(tmp_path / "p.sqlite"), "import", *map(str, args)])


def stored_texts(tmp_path: Path) -> list[str]:
    with Project.open(tmp_path / "p.sqlite") as project:
        return [project.article(i).text for i in project.article_ids()]


def test_good_files_exit_zero_and_print_the_totals(tmp_path, capsys):
    one = write(tmp_path / "one.txt", " date 2024-12-08 Rebels enter Damascus\n\nCrowds gathered.")
    two = write(tmp_path / "two.txt", "Talks in Geneva.\r\n")
    assert run_import(tmp_path, one, two) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{two}: normalised 1 CRLF line end → \\n", "imported 2 articles from 2 files"]
    assert stored_texts(tmp_path) == ["Rebels enter Damascus\n\nCrowds gathered.", "Talks in Geneva.\n"]


def test_a_bad_file_exits_non_zero_naming_file_and_line(tmp_path, capsys):
    good = write(tmp_path / "good.txt", "Aid reached Hama.")
    lines = [{"text": "Talks in Geneva."}, {"text": "Troops left Homs.", "meta": {"status": "finished"}}]
    bad = write(tmp_path / "bad.jsonl", "".join(json.dumps(r) + "\n" for r in lines))
    assert run_import(tmp_path, bad, good) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{bad}:2: unknown status 'finished'")
    assert err[-1] == "imported 1 article from 2 files; 1 file failed"
    assert stored_texts(tmp_path) == ["Aid reached Hama."]  # nothing of bad.jsonl, not even line 1


def test_an_impossible_header_date_imports_the_headline_and_warns_naming_the_file(tmp_path, capsys):
    bad = write(tmp_path / "bad-date.txt", " date 2025-13-45 Bad date headline\n\nTroops left Homs.")
    assert run_import(tmp_path, bad) == 0  # imported: a warning, not a failure
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{bad}: warning: line 1: 2025-13-45 is not a real date; imported without a date",
                   "imported 1 article from 1 file"]
    with Project.open(tmp_path / "p.sqlite") as project:
        article = project.article(project.article_ids()[0])
    assert (article.title, article.date, article.text) == (
        "Bad date headline", None, "Bad date headline\n\nTroops left Homs.")


def test_encoding_option_reaches_the_decoder(tmp_path, capsys):
    legacy = write(tmp_path / "legacy.txt", "Caf\u00e9 \u2013 Beirut".encode("cp1252"))
    assert run_import(tmp_path, legacy) == 1
    assert f"{legacy}:1: not valid UTF-8" in capsys.readouterr().err
    assert run_import(tmp_path, legacy, "--encoding", "cp1252") == 0
    assert stored_texts(tmp_path) == ["Café – Beirut"]


def test_ctrl_c_once_cancels_between_files_twice_stops_at_once(capsys):
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        with main._first_interrupt_cancels() as cancelled:
            assert cancelled() is False
            signal.raise_signal(signal.SIGINT)  # what the terminal sends on Ctrl+C
            assert cancelled() is True
            assert "stopping after this file" in capsys.readouterr().err
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before

