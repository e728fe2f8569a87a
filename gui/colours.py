"""Colour arithmetic for painting labels: tints over a base colour and legible text on them.

Label colours come from the label scheme and are saturated (Okabe-Ito and the like); text
drawn directly on them is hard to read. The article view therefore paints a *tint* — the
label colour blended into the editor's base colour — and picks black or white text by
WCAG 2 contrast against that tint, so the same code works on light and dark palettes.
"""
from __future__ import annotations

from PySide6.QtGui import QColor

BLACK = QColor(0, 0, 0)
WHITE = QColor(255, 255, 255)


def _linear(channel: float) -> float:
    """sRGB channel (0..1) to linear light, as WCAG 2 defines it."""
    if channel <= 0.04045:
        return channel / 12.92
    return ((channel + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour: 0 for black, 1 for white."""
    return (
        0.2126 * _linear(colour.redF())
        + 0.7152 * _linear(colour.greenF())
        + 0.0722 * _linear(colour.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio between two opaque colours, from 1 (same) to 21 (black/white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(bg: QColor) -> QColor:
    """Black or white, whichever contrasts more with ``bg``.

    One of the two always reaches at least sqrt(21) ≈ 4.58:1, above the WCAG AA 4.5:1
    threshold for body text, whatever the background.
    """
    if contrast_ratio(bg, BLACK) >= contrast_ratio(bg, WHITE):
        return QColor(BLACK)
    return QColor(WHITE)


def visible_on(colour: QColor | str, base: QColor | str, minimum: float = 3.0) -> QColor:
    """``colour``, blended towards black or white just enough to reach ``minimum`` contrast with
    ``base`` (WCAG asks 3:1 for lines and outlines): a dark indigo outline stays visible on a
    dark palette, and is left as it is on a light one."""
    fg, bg = QColor(colour), QColor(base)
    if contrast_ratio(fg, bg) >= minimum:
        return fg
    target = readable_text_colour(bg)
    for step in range(1, 11):
        candidate = tint(target, step / 10, fg)
        if contrast_ratio(candidate, bg) >= minimum:
            return candidate
    return target


def tint(colour: QColor | str, factor: float, base: QColor | str = WHITE) -> QColor:
    """``colour`` blended into ``base``: 0 gives ``base``, 1 gives ``colour``.

    Blending (rather than painting with alpha) gives an opaque result, so the text
    colour can be chosen against exactly what is on screen.
    """
    fg, bg = QColor(colour), QColor(base)
    f = min(max(factor, 0.0), 1.0)
    return QColor.fromRgbF(
        bg.redF() + (fg.redF() - bg.redF()) * f,
        bg.greenF() + (fg.greenF() - bg.greenF()) * f,
        bg.blueF() + (fg.blueF() - bg.blueF()) * f,
    )
