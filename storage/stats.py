"""Project statistics for `event-annotator stats` and the window's status bar."""
from __future__ import annotations

from typing import Any

from storage.importing.report import plural
from storage.model import STATUSES
from storage.project import Project


def project_stats(project: Project) -> dict[str, Any]:
    """Articles by status, spans by label, events by type, and per-annotator counts."""
    db = project.db

    def counts(query: str) -> dict[str, int]:
        return {str(key) if key is not None else "(none)": n for key, n in db.execute(query)}

    per_annotator: dict[str, dict[str, int]] = {}
    for name, n in db.execute("SELECT annotator, count(*) FROM spans GROUP BY annotator"):
        per_annotator.setdefault(name or "(unknown)", {"spans": 0, "events": 0})["spans"] = n
    for name, n in db.execute("SELECT annotator, count(*) FROM events GROUP BY annotator"):
        per_annotator.setdefault(name or "(unknown)", {"spans": 0, "events": 0})["events"] = n
    tables = set(db.table_names())
    if "layer_status" in tables:  # files made before annotator layers have none (read-only opens)
        for name, articles, done in db.execute(
                "SELECT layer, count(*), sum(status IN ('done', 'curated')) FROM layer_status GROUP BY layer"):
            entry = per_annotator.setdefault(name, {"spans": 0, "events": 0})
            entry["articles"], entry["done"] = articles, done
    by_status = {status: 0 for status in STATUSES}
    by_status.update(counts("SELECT status, count(*) FROM articles GROUP BY status"))
    return {
        "articles": db.execute("SELECT count(*) FROM articles").fetchone()[0],
        "articles_by_status": by_status,
        "spans": db.execute("SELECT count(*) FROM spans").fetchone()[0],
        "spans_by_label": counts("SELECT label, count(*) FROM spans GROUP BY label ORDER BY label"),
        "events": db.execute("SELECT count(*) FROM events").fetchone()[0],
        "events_by_type": counts("SELECT type, count(*) FROM events GROUP BY type ORDER BY type"),
        "arguments_by_role": counts("SELECT role, count(*) FROM arguments GROUP BY role ORDER BY role"),
        "per_annotator": dict(sorted(per_annotator.items())),
        "curation": _curation(db),
    }


def _curation(db: Any) -> dict[str, int]:
    """How far adjudication got: articles two or more annotator layers touched, and curated ones."""
    (layered,) = db.execute(
        "SELECT count(*) FROM (SELECT article_id FROM spans WHERE coalesce(annotator, '') != 'gold' "
        "GROUP BY article_id HAVING count(DISTINCT coalesce(annotator, '')) >= 2)").fetchone()
    (curated,) = db.execute("SELECT count(*) FROM articles WHERE status = 'curated'").fetchone()
    (gold,) = db.execute("SELECT count(*) FROM spans WHERE annotator = 'gold'").fetchone()
    return {"articles_with_several_layers": layered, "curated": curated, "gold_spans": gold}


def format_stats(stats: dict[str, Any]) -> str:
    """The plain-text table `event-annotator stats` prints."""
    lines = [f"articles: {stats['articles']}"]
    lines += [f"  {status:<12} {n}" for status, n in stats["articles_by_status"].items()]
    lines.append(f"spans: {stats['spans']}")
    lines += [f"  {label:<12} {n}" for label, n in stats["spans_by_label"].items()]
    lines.append(f"events: {stats['events']}")
    lines += [f"  {kind:<12} {n}" for kind, n in stats["events_by_type"].items()]
    lines.append("annotators:" if stats["per_annotator"] else "annotators: none yet")
    lines += [f"  {name:<12} {plural(c['spans'], 'span')}, {plural(c['events'], 'event')}"
              + (f", {c['done']} of {plural(c['articles'], 'article')} done" if "articles" in c else "")
              for name, c in stats["per_annotator"].items()]
    curation = stats.get("curation")
    if curation and (curation["articles_with_several_layers"] or curation["curated"]):
        lines.append(f"curation: {plural(curation['curated'], 'article')} curated; "
                     f"{curation['articles_with_several_layers']} annotated by two or more; "
                     f"{plural(curation['gold_spans'], 'gold span')}")
    return "\n".join(lines)
