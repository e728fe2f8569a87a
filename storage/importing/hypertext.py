"""Label Studio HyperText regions placed in the text of their HTML.

A HyperText (or RichText) result does not count in the task's string: its ``value`` names the
DOM text node where it starts and ends by an XPath below the HyperText's root
(``"/p[2]/text()[1]"``, as the xpath-range library writes them) with ``startOffset``/``endOffset``
in UTF-16 units inside that node, and since Label Studio 1.x also ``globalOffsets``: code points
into the concatenated text of every text node under the root, a ``<br>`` counting one
(``selection-tools.js``, ``findGlobalOffset``).

The article text is therefore the HTML's text as the browser's DOM holds it: the text nodes in
document order (character references decoded, CR LF read as LF as an HTML parser does), a
``<br>`` as ``"\\n"``, markup dropped; below a ``<body>`` when there is one (a page shown in an
iframe). Offsets from ``globalOffsets`` then apply as they are; an XPath is followed to its node
and its UTF-16 offset converted. When both are given they must agree, and a ``value.text`` must
match what lies there (compared without whitespace: Label Studio writes a selection's line breaks
as ``\\n`` and a ``<br>`` not at all); a region that fails is not placed, with the reason.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

# Elements without content or end tag (HTML's void elements): they never hold text nodes.
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_STEP = re.compile(r"/([a-z0-9:_-]+|text\(\))\[(\d+)\]", re.IGNORECASE)
_UNSEEN = re.compile(r"\s|\\n")

NOT_FOUND = "HyperText result whose position is not in its HTML"
DISAGREE = "HyperText result whose XPath and globalOffsets disagree"
TEXT_DIFFERS = "HyperText result whose text differs from the HTML's at its position"


class _Node:
    __slots__ = ("name", "children", "start", "end", "text")

    def __init__(self, name: str, start: int) -> None:
        self.name = name  # tag name, or "#text"
        self.children: list[_Node] = []
        self.start = start  # where the node's text begins in the whole document's text
        self.end = -1  # an element's, set when it closes
        self.text = ""  # a text node's


class HtmlText(HTMLParser):
    """Parse ``html`` once; ``text`` is its text and ``place`` turns a region's value into offsets."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", 0)
        self._open = [self.root]
        self._parts: list[str] = []
        self._length = 0
        self._text_node: _Node | None = None  # the text node being filled (data may come in pieces)
        self.feed(html.replace("\r\n", "\n").replace("\r", "\n"))
        self.close()
        for node in self._open:
            node.end = self._length
        body = self._find(self.root, "body")
        self.base = body if body is not None else self.root
        # Offsets count from the root's first character: text before a <body> (a <title>) is not in it.
        self.text = "".join(self._parts)[self.base.start:self.base.end]

    # -- building the tree ----------------------------------------------------------------------

    def _add(self, node: _Node) -> None:
        self._open[-1].children.append(node)
        self._text_node = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        node = _Node(tag, self._length)
        self._add(node)
        if tag == "br":
            self._parts.append("\n")
            self._length += 1
        elif tag not in _VOID:
            self._open.append(node)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self._open[-1].name == tag:
            self._open.pop().end = self._length

    def handle_endtag(self, tag: str) -> None:
        names = [node.name for node in self._open]
        if tag in names[1:]:  # an end tag with no open element is ignored, as browsers do
            closing = len(names) - 1 - names[::-1].index(tag)
            for node in self._open[closing:]:
                node.end = self._length
            del self._open[closing:]
        self._text_node = None

    def handle_comment(self, data: str) -> None:
        self._text_node = None  # a comment separates two text nodes

    def handle_data(self, data: str) -> None:
        if self._text_node is None:
            self._text_node = _Node("#text", self._length)
            self._open[-1].children.append(self._text_node)
        self._text_node.text += data
        self._parts.append(data)
        self._length += len(data)

    def _find(self, node: _Node, name: str) -> _Node | None:
        for child in node.children:
            if child.name == name:
                return child
            found = self._find(child, name) if child.name != "#text" else None
            if found is not None:
                return found
        return None

    # -- placing a region -------------------------------------------------------------------------

    def _node(self, xpath: Any) -> _Node | None:
        if not isinstance(xpath, str) or not xpath.startswith("/"):
            return None
        steps = _STEP.findall(xpath)
        if "".join(f"/{name}[{index}]" for name, index in steps) != xpath:
            return None
        node = self.base
        for name, index in steps:
            wanted = "#text" if name.lower() == "text()" else name.lower()
            same = [child for child in node.children if child.name == wanted]
            if not 1 <= int(index) <= len(same):
                return None
            node = same[int(index) - 1]
        return node

    def _boundary(self, xpath: Any, offset: Any) -> int | None:
        """The code-point position of (node, UTF-16 offset), as xpath-range's toRange finds it:
        an element's offset runs on through the text nodes below it."""
        node = self._node(xpath)
        if node is None or type(offset) is not int or offset < 0:
            return None
        for text_node in _texts(node):
            units = text_node.text.encode("utf-16-le")
            if offset * 2 <= len(units):
                try:
                    return text_node.start - self.base.start + len(units[:offset * 2].decode("utf-16-le"))
                except UnicodeDecodeError:  # the offset splits a surrogate pair
                    return None
            offset -= len(units) // 2
        return None

    def place(self, value: dict[str, Any]) -> tuple[int, int] | str:
        """(start, end) in ``text``, or why the region cannot be placed (one of the reasons above)."""
        by_path = None
        start = self._boundary(value.get("start"), value.get("startOffset"))
        end = self._boundary(value.get("end"), value.get("endOffset"))
        if start is not None and end is not None and start < end:
            by_path = (start, end)
        by_offsets = None
        offsets = value.get("globalOffsets")
        if isinstance(offsets, dict):
            start, end = offsets.get("start"), offsets.get("end")
            if type(start) is int and type(end) is int and 0 <= start < end <= len(self.text):
                by_offsets = (start, end)
        if by_path is not None and by_offsets is not None and by_path != by_offsets:
            return DISAGREE
        found = by_path or by_offsets
        if found is None:
            return NOT_FOUND
        shown = value.get("text")
        if isinstance(shown, str) and _UNSEEN.sub("", shown) != _UNSEEN.sub("", self.text[found[0]:found[1]]):
            return TEXT_DIFFERS
        return found


def _texts(node: _Node) -> list[_Node]:
    if node.name == "#text":
        return [node]
    return [text for child in node.children for text in _texts(child)]
