"""The README's "Both directions" table names every format the importer registry and the exporters
know, and nothing they do not: a format added without its row (or a row left after a rename) fails."""
from __future__ import annotations

import re
from pathlib import Path

from storage.exporting import FOLDER_FORMATS, FORMATS as EXPORT_FORMATS
from storage.importing.registry import FORMATS as IMPORT_FORMATS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def both_directions() -> list[tuple[str, str, str]]:
    """(tool, import cell, export cell) of every row of the table under "### Both directions"."""
    section = README.split("### Both directions", 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if rows and not line.startswith("|"):
            break
        if line.startswith("|") and not line.startswith("|---"):
            rows.append(tuple(cell.strip() for cell in line.strip().strip("|").split("|")))
    return rows[1:]  # the header row


def names(cell: str) -> set[str]:
    """`name` in a cell, without the options written beside them (`spacy --docbin` is spacy)."""
    return {code.split()[0] for code in re.findall(r"`([^`]+)`", cell)} if cell != "—" else set()


def test_every_import_and_export_format_has_its_row_in_the_readme():
    rows = both_directions()
    assert all(len(row) == 3 for row in rows), rows
    imported = set().union(*(names(row[1]) for row in rows))
    exported = set().union(*(names(row[2]) for row in rows))
    assert imported == set(IMPORT_FORMATS)
    assert exported == set(EXPORT_FORMATS) | set(FOLDER_FORMATS)
