"""State icons and the app icon, drawn with QPainter at every size (crisp at every scale).

One round badge per app state, each with its own colour *and* glyph (a check, two arrows, "!",
a cross, two bars) so the state reads without relying on colour alone. The app icon is the sync
arrows on a rounded square in the brand colour.

Each ``QIcon`` holds a pixmap drawn at every size in ``SIZES`` *and* at twice that size (up to
256 px), so a high-DPI screen (device pixel ratio 2) gets a pixmap drawn for its pixels rather than
one scaled up. The installers' icon files (``resources/icons/``) are rendered from
``app_icon_image`` by ``tools/make_icons.py``; the drawing never reads them, and
``app_icon_file`` only finds the shipped PNG for a Linux desktop entry.
"""

from __future__ import annotations

import math
import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPainterPath, QPen, QPixmap

IDLE, SYNCING, ATTENTION, ERROR, PAUSED = "idle", "syncing", "attention", "error", "paused"
STATES = (IDLE, SYNCING, ATTENTION, ERROR, PAUSED)
SIZES = (16, 20, 22, 24, 32, 40, 48, 64, 128, 256)
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)  # resources/icons/app-<size>.png
# SIZES at device pixel ratios 1 and 2 (up to 256): each QIcon holds one pixmap drawn per size
ICON_PIXELS = tuple(sorted({*SIZES, *(2 * size for size in SIZES if 2 * size <= 256)}))
BRAND = "#00695c"
COLOURS = {IDLE: "#2e7d32", SYNCING: "#1565c0", ATTENTION: "#f9a825", ERROR: "#c62828",
           PAUSED: "#616161"}
GLYPH_COLOURS = {ATTENTION: "#212121"}


def _pen(colour: str, width: float) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _arrows(painter: QPainter, box: QRectF, colour: str, width: float) -> None:
    """Two arcs chasing each other clockwise, each ending in an arrowhead along its path."""
    painter.setPen(_pen(colour, width))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    inner = box.adjusted(box.width() * 0.24, box.height() * 0.24,
                         -box.width() * 0.24, -box.height() * 0.24)
    centre, radius = inner.center(), inner.width() / 2
    head = inner.width() * 0.26
    for start in (20, 200):  # each arc runs 120 degrees; its head sits at the start angle
        painter.drawArc(inner, start * 16, 120 * 16)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    for start in (20, 200):
        angle = math.radians(start)
        cos, sin = math.cos(angle), math.sin(angle)
        end = QPointF(centre.x() + radius * cos, centre.y() - radius * sin)
        forward = QPointF(sin, cos)  # clockwise on screen (y grows downwards)
        outward = QPointF(cos, -sin)
        path = QPainterPath(end + forward * head * 0.95)
        path.lineTo(end + outward * head * 0.8 - forward * head * 0.15)
        path.lineTo(end - outward * head * 0.8 - forward * head * 0.15)
        path.closeSubpath()
        painter.drawPath(path)


def _glyph(painter: QPainter, state: str, box: QRectF, colour: str) -> None:
    s = box.width()
    width = max(1.6, s * 0.11)
    x, y = box.x(), box.y()
    painter.setPen(_pen(colour, width))
    if state == IDLE:
        path = QPainterPath(QPointF(x + s * 0.28, y + s * 0.52))
        path.lineTo(QPointF(x + s * 0.44, y + s * 0.67))
        path.lineTo(QPointF(x + s * 0.72, y + s * 0.36))
        painter.drawPath(path)
    elif state == SYNCING:
        _arrows(painter, box, colour, width)
    elif state == ATTENTION:
        painter.drawLine(QPointF(x + s / 2, y + s * 0.26), QPointF(x + s / 2, y + s * 0.56))
        painter.drawPoint(QPointF(x + s / 2, y + s * 0.74))
    elif state == ERROR:
        painter.drawLine(QPointF(x + s * 0.33, y + s * 0.33), QPointF(x + s * 0.67, y + s * 0.67))
        painter.drawLine(QPointF(x + s * 0.67, y + s * 0.33), QPointF(x + s * 0.33, y + s * 0.67))
    elif state == PAUSED:
        painter.drawLine(QPointF(x + s * 0.40, y + s * 0.32), QPointF(x + s * 0.40, y + s * 0.68))
        painter.drawLine(QPointF(x + s * 0.60, y + s * 0.32), QPointF(x + s * 0.60, y + s * 0.68))


def _blank(size: int) -> tuple[QImage, QPainter]:
    """A transparent ``size`` × ``size`` image and an antialiasing painter on it."""
    if size < 1:
        raise ValueError(f"icon size must be positive, not {size}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return image, painter


def state_image(state: str, size: int) -> QImage:
    """The badge of ``state`` at ``size`` × ``size`` pixels."""
    if state not in COLOURS:
        raise ValueError(f"unknown state {state!r}; one of {', '.join(STATES)}")
    image, painter = _blank(size)
    margin = max(0.5, size * 0.04)
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(COLOURS[state]))
    painter.drawEllipse(box)
    _glyph(painter, state, box, GLYPH_COLOURS.get(state, "#ffffff"))
    painter.end()
    return image


def state_pixmap(state: str, size: int) -> QPixmap:
    """The badge of ``state`` at ``size`` × ``size`` device pixels."""
    return QPixmap.fromImage(state_image(state, size))


def app_icon_image(size: int, padding: float = 0.0) -> QImage:
    """The app icon at ``size`` × ``size`` pixels: the sync arrows on a rounded square in the
    brand colour. ``padding`` is the empty border on each side as a fraction of ``size`` (macOS
    icons leave about 0.1 around the square; the window and Windows icons leave none)."""
    if not 0.0 <= padding < 0.5:
        raise ValueError(f"padding must be in [0, 0.5), not {padding}")
    image, painter = _blank(size)
    inset = size * padding
    side = size - 2 * inset
    box = QRectF(inset, inset, side, side)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(BRAND))
    painter.drawRoundedRect(box, side * 0.22, side * 0.22)
    _arrows(painter, box, "#ffffff", max(1.6, side * 0.1))
    painter.end()
    return image


def _icon(images: list[QImage]) -> QIcon:
    icon = QIcon()
    for image in images:
        icon.addPixmap(QPixmap.fromImage(image))
    return icon


@cache
def state_icon(state: str) -> QIcon:
    """The tray icon of an app state (one of ``STATES``), sharp at device pixel ratios 1 and 2."""
    if state not in COLOURS:
        raise ValueError(f"unknown state {state!r}; one of {', '.join(STATES)}")
    return _icon([state_image(state, size) for size in ICON_PIXELS])


@cache
def app_icon() -> QIcon:
    """The window icon (``app_icon_image`` at every size), sharp at device pixel ratios 1 and 2."""
    return _icon([app_icon_image(size) for size in ICON_PIXELS])


def app_icon_file(size: int = 256) -> Path | None:
    """The app icon PNG shipped in ``resources/icons/`` (for a Linux desktop entry's ``Icon=``):
    inside the frozen bundle, or in a source checkout; None when this installation has none."""
    if size not in PNG_SIZES:
        raise ValueError(f"no {size} px icon file; one of {PNG_SIZES}")
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
    path = base / "resources" / "icons" / f"app-{size}.png"
    return path if path.is_file() else None
