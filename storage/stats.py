"""Project statistics for `event-annotator stats` and the window's status bar."""
from __future__ import annotations

from typing import Any

from storage.importing.report import plural
from storage.model import STATUSES
from storage.project import Project
from storage.schema import has_layer_tables
from storage.team.coverage import GOLD, covered_pairs, nothing_back, version_pairs


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
            # Handed out and merged back (or imported) with nothing in it yet: the layer exists, so
            # export --layer and agreement know it too, and say the same (storage.team.coverage).
            if not (entry["spans"] or entry["events"] or done):
                entry["nothing_back"] = True
    articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    by_status = {status: 0 for status in STATUSES}
    by_status.update(counts("SELECT status, count(*) FROM article_status GROUP BY status"))
    by_status["new"] = articles - sum(by_status.values()) + by_status["new"]  # no row is new
    return {
        "articles": articles,
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
    """How far adjudication got: articles two or more annotator layers cover (storage.team.coverage:
    annotated, or marked done with nothing), curated ones, and the articles with two or more
    versions and no gold yet, which the default export leaves out until they are curated."""
    team = has_layer_tables(db.conn)
    (layered,) = db.execute(
        f"SELECT count(*) FROM (SELECT article_id FROM ({covered_pairs(team)}) WHERE layer != '{GOLD}' "
        "GROUP BY article_id HAVING count(*) >= 2)").fetchone()
    (awaiting,) = db.execute(  # what the default export leaves out (storage.exporting.layers)
        f"SELECT count(*) FROM (SELECT article_id FROM ({version_pairs(team)}) GROUP BY article_id "
        f"HAVING count(*) >= 2 AND sum(layer = '{GOLD}') = 0)").fetchone()
    (curated,) = db.execute("SELECT count(*) FROM article_status WHERE status = 'curated'").fetchone()
    (gold,) = db.execute("SELECT count(*) FROM spans WHERE annotator = 'gold'").fetchone()
    return {"articles_with_several_layers": layered, "awaiting_curation": awaiting, "curated": curated,
            "gold_spans": gold}


def annotator_line(counts: dict[str, Any]) -> str:
    """"3 spans, 1 event, 2 of 3 articles done", or "nothing back yet: 3 articles handed out, …"."""
    if counts.get("nothing_back"):
        return f"nothing back yet: {nothing_back(counts['articles'])}"
    articles = annotator_articles(counts)
    return f"{plural(counts['spans'], 'span')}, {plural(counts['events'], 'event')}" + (f", {articles}" if articles else "")


def format_stats(stats: dict[str, Any]) -> str:
    """The plain-text table `event-annotator stats` prints."""
    lines = [f"articles: {stats['articles']}"]
    lines += [f"  {status:<12} {n}" for status, n in stats["articles_by_status"].items()]
    lines.append(f"spans: {stats['spans']}")
    lines += [f"  {label:<12} {n}" for label, n in stats["spans_by_label"].items()]
    lines.append(f"events: {stats['events']}")
    lines += [f"  {kind:<12} {n}" for kind, n in stats["events_by_type"].items()]
    lines.append("annotators:" if stats["per_annotator"] else "annotators: none yet")
    lines += [f"  {name:<12} " + annotator_line(c) for name, c in stats["per_annotator"].items()]
    curation = curation_line(stats)
    if curation:
        lines.append(f"curation: {curation}")
    return "\n".join(lines)


def annotator_articles(counts: dict[str, Any]) -> str:
    """A layer's articles: "2 of 3 articles done", "nothing back yet (3 handed out)", or "" (no statuses)."""
    if "articles" not in counts:
        return ""
    if counts.get("nothing_back"):
        return f"nothing back yet ({counts['articles']} handed out)"
    return f"{counts['done']} of {plural(counts['articles'], 'article')} done"


def curation_line(stats: dict[str, Any]) -> str:
    """How far adjudication got, "1 article curated; 3 annotated by two or more, 2 awaiting
    curation (…); 12 gold spans", or "" when no article has two layers and none is curated."""
    curation = stats.get("curation")
    if not curation or not (curation["articles_with_several_layers"] or curation["curated"]):
        return ""
    awaiting = curation["awaiting_curation"]
    return (f"{plural(curation['curated'], 'article')} curated; "
            f"{curation['articles_with_several_layers']} annotated by two or more"
            + (f", {awaiting} awaiting curation (left out of exports until curated)" if awaiting else "")
            + f"; {plural(curation['gold_spans'], 'gold span')}")
