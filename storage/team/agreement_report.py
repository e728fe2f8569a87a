"""The agreement report as a terminal table and as a self-contained HTML page.

Both read the plain dict :func:`storage.team.agreement.agreement` returns, so the command
line, the HTML file and the window show the same figures.
"""
from __future__ import annotations

import html
from typing import Any


def _f(value: float | None) -> str:
    return "  —  " if value is None else f"{value:5.3f}"


def format_text(report: dict[str, Any]) -> str:
    """What ``event-annotator agreement`` prints."""
    if report["articles_compared"] == 0:
        return ("no article has annotations by two or more annotators "
                f"(layers: {', '.join(report['annotators']) or 'none'})")
    lines = [f"annotators: {', '.join(report['annotators'])}; "
             f"articles compared: {report['articles_compared']}", "",
             f"{'':<28} {'exact':^17} | {'overlap':^17}".rstrip(),
             f"{'spans, pooled over pairs':<28} {'P':>5} {'R':>5} {'F1':>5} | {'P':>5} {'R':>5} {'F1':>5}"]
    rows = dict(report["labels"], overall=report["overall"])
    for label, by_mode in rows.items():
        e, o = by_mode["exact"], by_mode["overlap"]
        lines.append(f"  {label:<26} {_f(e['precision'])} {_f(e['recall'])} {_f(e['f1'])} | "
                     f"{_f(o['precision'])} {_f(o['recall'])} {_f(o['f1'])}")
    alpha = report["alpha"]
    lines += ["", "Krippendorff's alpha (nominal)   value  units/total"]
    for name, key in (("span labels, exact positions", "exact"), ("span labels, overlap units", "overlap"),
                      ("tokens", "token"), ("event types (matched triggers)", "event_type")):
        a = alpha[key]
        lines.append(f"  {name:<31} {_f(a['value'])}  {a['units']}/{a['total']}")
    for name, a in alpha["event_attributes"].items():
        lines.append(f"  {'event ' + name:<31} {_f(a['value'])}  {a['units']}/{a['total']}")
    width = max([len(f"{p['a']} / {p['b']}") for p in report["pairs"]] + [10])
    headers = ("articles", "F1 exact", "F1 overlap", "κ exact", "κ overlap", "κ token", "trigger F1", "type agreed")
    lines += ["", f"{'pairs':<{width + 2}}  " + "  ".join(headers)]
    for pair in report["pairs"]:
        ev = pair["events"]
        cells = (str(pair["articles"]), _f(pair["spans_exact"]["overall"]["f1"]),
                 _f(pair["spans_overlap"]["overall"]["f1"]), _f(pair["kappa_exact"]["value"]),
                 _f(pair["kappa_overlap"]["value"]), _f(pair["kappa_token"]["value"]),
                 _f(ev["trigger_exact"]["f1"]), f"{ev['type_agreed']}/{ev['type_matched']}")
        lines.append(f"  {pair['a'] + ' / ' + pair['b']:<{width}}  "
                     + "  ".join(f"{cell:>{len(head)}}" for cell, head in zip(cells, headers)))
        for role, prf in ev["roles"].items():
            lines.append(f"      role {role:<12} argument F1 {_f(prf['f1'])} ({prf['matched']} matched)")
    if report["lowest_articles"]:
        lines += ["", "lowest agreement (exact span F1, mean over pairs)"]
        lines += [f"  {a['f1']:5.3f}  #{a['id']}  {a['title']}" for a in report["lowest_articles"]]
    return "\n".join(lines)


_STYLE = """body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .6em;border-bottom:1px solid #ccc;text-align:right}
th:first-child,td:first-child{text-align:left}.bar{display:inline-block;height:.8em;background:#4a7bd0}
.bar.o{background:#9bb8e8}"""


def to_html(report: dict[str, Any], *, title: str = "Agreement") -> str:
    """A page with the per-label table, a bar per label (exact and overlap F1), pairs and lowest articles."""
    esc = html.escape
    out = [f"<!doctype html><meta charset=utf-8><title>{esc(title)}</title><style>{_STYLE}</style>",
           f"<h1>{esc(title)}</h1><p>Annotators: {esc(', '.join(report['annotators']))}. "
           f"Articles compared: {report['articles_compared']}.</p>",
           "<h2>Spans per label</h2><table><tr><th>label<th>exact P<th>R<th>F1<th>overlap P<th>R<th>F1<th>F1 (bars: exact, overlap)"]
    rows = dict(report["labels"], overall=report["overall"])
    for label, by_mode in rows.items():
        e, o = by_mode["exact"], by_mode["overlap"]
        bars = "".join(f"<span class='bar{cls}' style='width:{(m['f1'] or 0) * 12:.2f}em'></span><br>"
                       for cls, m in (("", e), (" o", o)))
        out.append(f"<tr><td>{esc(label)}<td>{_f(e['precision'])}<td>{_f(e['recall'])}<td>{_f(e['f1'])}"
                   f"<td>{_f(o['precision'])}<td>{_f(o['recall'])}<td>{_f(o['f1'])}<td style='text-align:left'>{bars}")
    out.append("</table><h2>Krippendorff's α (nominal)</h2><table><tr><th>units<th>α<th>used / total")
    alpha = report["alpha"]
    named = [("span labels, exact positions", alpha["exact"]), ("span labels, overlap units", alpha["overlap"]),
             ("tokens", alpha["token"]), ("event types", alpha["event_type"])]
    named += [(f"event {k}", v) for k, v in alpha["event_attributes"].items()]
    for name, a in named:
        out.append(f"<tr><td>{esc(name)}<td>{_f(a['value'])}<td>{a['units']} / {a['total']}")
    out.append("</table><h2>Pairs</h2><table><tr><th>pair<th>articles<th>F1 exact<th>F1 overlap"
               "<th>κ exact<th>κ overlap<th>κ token<th>trigger F1<th>type agreed")
    for pair in report["pairs"]:
        ev = pair["events"]
        out.append(f"<tr><td>{esc(pair['a'])} / {esc(pair['b'])}<td>{pair['articles']}"
                   f"<td>{_f(pair['spans_exact']['overall']['f1'])}<td>{_f(pair['spans_overlap']['overall']['f1'])}"
                   f"<td>{_f(pair['kappa_exact']['value'])}<td>{_f(pair['kappa_overlap']['value'])}"
                   f"<td>{_f(pair['kappa_token']['value'])}<td>{_f(ev['trigger_exact']['f1'])}"
                   f"<td>{ev['type_agreed']} / {ev['type_matched']}")
    roles = [(pair, role, prf) for pair in report["pairs"] for role, prf in pair["events"]["roles"].items()]
    if roles:  # given a matched trigger, the same fillers: the text report's "role … argument F1" lines
        out.append("</table><h2>Event roles (frames with matched triggers)</h2><table>"
                   "<tr><th>pair<th>role<th>argument F1<th>matched")
        for pair, role, prf in roles:
            out.append(f"<tr><td>{esc(pair['a'])} / {esc(pair['b'])}<td>{esc(role)}<td>{_f(prf['f1'])}"
                       f"<td>{prf['matched']}")
    out.append("</table><h2>Lowest agreement</h2><table><tr><th>article<th>exact span F1")
    for a in report["lowest_articles"]:
        out.append(f"<tr><td>#{a['id']} {esc(a['title'])}<td>{a['f1']:.3f}")
    out.append("</table>")
    return "\n".join(out)
