"""spaCy / Prodigy JSON Lines, and optionally a spaCy ``DocBin`` (``.spacy``) for ``spacy train``.

One article per line: ``{"text", "spans": [{"start", "end", "label"}], "meta": {"id", "title",
"date", "source", "status"}}``, every span as annotated (they may overlap), the shape spaCy and
Prodigy users feed to ``doc.char_span``. A span with attributes (``storage.span_attributes``)
has them under the span's ``"attributes"`` key, which spaCy and Prodigy leave alone; in the DocBin
they are ``doc.user_data["span_attributes"]``, a list of ``{"start", "end", "label", "attributes"}``
in characters. (Named ``spacy_format`` so it does not shadow ``spacy``.)

The DocBin needs spaCy itself and tokenises with ``spacy.blank("en")``. Decisions:

* Alignment: ``char_span(alignment_mode="strict")`` only. "expand" or "contract" would make the
  training entity cover characters the annotator did not choose (or lose some), which is worse
  than missing it; a span that does not start and end on spaCy token boundaries is left out of
  the DocBin and counted as dropped "unaligned". The JSON Lines keep it regardless.
* ``doc.spans["sc"]`` gets every aligned span (a SpanCategorizer accepts overlaps);
  ``doc.ents`` the non-overlapping subset chosen by ``spacy.util.filter_spans`` (longest, then
  earliest). Spans left out of ``doc.ents`` only are counted as dropped "overlapping".
* The DocBin is one serialised blob, so it is held in memory until the end of the export.
"""
from __future__ import annotations

from typing import Any, Iterable, TextIO

from storage.exporting.batches import ArticleData, ExportContext, ExportError, ExportReport, json_line


def record(article: ArticleData) -> dict[str, Any]:
    values = article.span_attributes
    return {
        "text": article.text,
        "spans": [_span(span, values) for span in article.spans] if values else
                 [{"start": span.start, "end": span.end, "label": span.label} for span in article.spans],
        "meta": {"id": article.id, "title": article.title, "date": article.date,
                 "source": article.source, "status": article.status},
    }


def _span(span: Any, values: dict[int, dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {"start": span.start, "end": span.end, "label": span.label}
    if span.id in values:
        result["attributes"] = values[span.id]
    return result


def require_spacy() -> None:
    """Fail before anything is written when a DocBin is asked for and spaCy is not installed."""
    try:
        import spacy  # noqa: F401
    except ImportError as exc:
        raise ExportError("writing a DocBin (--docbin) needs spaCy: pip install 'spacy>=3.7,<4'") from exc


class DocBinBuilder:
    """Turns articles into spaCy Docs with ents and ``spans["sc"]``, counting what did not fit."""

    def __init__(self, report: ExportReport) -> None:
        import spacy
        from spacy.tokens import DocBin

        self._nlp = spacy.blank("en")
        self._filter_spans = spacy.util.filter_spans
        # User data carries span attributes, which spaCy's Span objects have no place for.
        self.doc_bin = DocBin(store_user_data=True)
        self._report = report

    def add(self, article: ArticleData) -> None:
        doc = self._nlp.make_doc(article.text)
        aligned = []
        for span in article.spans:
            char_span = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
            if char_span is None:
                self._report.drop("unaligned", where="from the DocBin")
            else:
                aligned.append(char_span)
        ents = self._filter_spans(aligned)
        self._report.drop("overlapping", len(aligned) - len(ents),
                          where='from the DocBin\'s doc.ents (kept in spans["sc"])')
        doc.ents = ents
        doc.spans["sc"] = aligned
        if article.span_attributes:
            doc.user_data["span_attributes"] = [
                {"start": span.start, "end": span.end, "label": span.label,
                 "attributes": article.span_attributes[span.id]}
                for span in article.spans if span.id in article.span_attributes]
        self.doc_bin.add(doc)
        self._report.docs += 1


def write(articles: Iterable[ArticleData], out: TextIO, report: ExportReport,
          context: ExportContext) -> None:
    builder = DocBinBuilder(report) if context.docbin is not None else None
    for article in articles:
        out.write(json_line(record(article)))
        report.records += 1
        report.spans += len(article.spans)
        if builder is not None:
            builder.add(article)
    if builder is not None and context.docbin is not None:
        builder.doc_bin.to_disk(context.docbin)
