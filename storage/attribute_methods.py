"""``Project``'s methods for span attributes, article attributes and the PLOVER 2.0 scheme upgrade,
kept apart so the store stays small.

Each change is one transaction of the store (``Project.transaction``, which takes the write lock
up front), and the check runs inside it (``storage.span_attributes``, ``storage.article_attributes``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storage import article_attributes, span_attributes
from storage.model import Span, SpanAttribute

if TYPE_CHECKING:
    from storage.scheme_upgrade import UpgradeReport

if TYPE_CHECKING:
    from storage.project import Project


class AttributeMethods:
    """Mixed into ``storage.project.Project``."""

    # -- what labels declare ---------------------------------------------------------------------

    def declare_span_attribute(self: "Project", label: str, attribute: SpanAttribute) -> None:
        """Let spans of ``label`` carry ``attribute`` (see ``storage.span_attributes``)."""
        self._scheme_edit(span_attributes.declare, label, attribute)

    def redeclare_span_attribute(self: "Project", label: str, name: str, attribute: SpanAttribute) -> None:
        """Change (or rename) a declaration; refused while a stored value would not fit it."""
        self._scheme_edit(span_attributes.redeclare, label, name, attribute)

    def replace_span_attributes(self: "Project", label: str, attributes: list[SpanAttribute], *,
                                cascade: bool = False) -> int:
        """Make ``attributes`` the label's whole declaration list (the Labels dialog's edit)."""
        return self._scheme_edit(span_attributes.replace_declarations, label, attributes, cascade=cascade)

    def undeclare_span_attribute(self: "Project", label: str, name: str, *, cascade: bool = False) -> int:
        """Remove a declaration; values left need ``cascade=True``. Returns values removed."""
        return self._scheme_edit(span_attributes.undeclare, label, name, cascade=cascade)

    # -- values ----------------------------------------------------------------------------------

    def set_span_attribute(self: "Project", span_id: int, name: str, value: Any) -> Span:
        """Set one attribute of a span (None or [] clears it); checked inside the write."""
        with self.transaction():
            span_attributes.set_value(self.db, span_id, name, value)
        return self.span(span_id)

    def article_attributes(self: "Project", article_id: int) -> dict[str, Any]:
        """The article's own attributes (e.g. its PLOVER contexts), {name: value}."""
        return article_attributes.values(self.db, [article_id]).get(article_id, {})

    def set_article_attribute(self: "Project", article_id: int, name: str, value: Any) -> dict[str, Any]:
        """Set one article attribute (None or [] clears it); returns the article's attributes."""
        with self.transaction():
            article_attributes.set_value(self.db, article_id, name, value)
        return self.article_attributes(article_id)

    # -- the scheme as a whole -------------------------------------------------------------------

    def upgrade_scheme_to_plover(self: "Project") -> "UpgradeReport":
        """Upgrade this project's scheme to PLOVER 2.0, annotations kept (``storage.scheme_upgrade``)."""
        from storage.scheme_upgrade import upgrade_to_plover

        return self._scheme_edit(upgrade_to_plover)
