"""State icons drawn with QPainter at several sizes (crisp at every scale, no image files).

One round badge per app state, each with its own colour *and* glyph (a check, two arrows, "!",
a cross, two bars) so the state reads without relying on colour alone.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

IDLE, SYNCING, ATTENTION, ERROR, PAUSED = "idle", "syncing", "attention", "error", "paused"
STATES = (IDLE, SYNCING, ATTENTION, ERROR, PAUSED)
SIZES = (16, 20, 22, 24, 32, 40, 48, 64, 128, 256)
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
    """Two arcs chasing each other, each with an arrowhead."""
    painter.setPen(_pen(colour, width))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    inner = box.adjusted(box.width() * 0.24, box.height() * 0.24,
                         -box.width() * 0.24, -box.height() * 0.24)
    head = inner.width() * 0.28
    for start in (30, 210):
        painter.drawArc(inner, start * 16, 130 * 16)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    centre, radius = inner.center(), inner.width() / 2
    for tip_x, tip_y, direction in ((-0.50, -0.87, 1), (0.50, 0.87, -1)):
        tip = QPointF(centre.x() + tip_x * radius, centre.y() + tip_y * radius)
        path = QPainterPath(QPointF(tip.x() - direction * head, tip.y() - head * 0.9 * direction))
        path.lineTo(QPointF(tip.x() + direction * head * 0.9, tip.y() + head * 0.1 * direction))
        path.lineTo(QPointF(tip.x() - direction * head * 0.2, tip.y() + head * 0.9 * direction))
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


def state_pixmap(state: str, size: int) -> QPixmap:
    """The badge of ``state`` at ``size`` × ``size`` device pixels."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = max(0.5, size * 0.04)
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(COLOURS[state]))
    painter.drawEllipse(box)
    _glyph(painter, state, box, GLYPH_COLOURS.get(state, "#ffffff"))
    painter.end()
    return pixmap


@cache
def state_icon(state: str) -> QIcon:
    """The tray icon of an app state (one of ``STATES``)."""
    if state not in COLOURS:
        raise ValueError(f"unknown state {state!r}; one of {', '.join(STATES)}")
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(state_pixmap(state, size))
    return icon


@cache
def app_icon() -> QIcon:
    """The window icon: the sync arrows on a rounded square in the brand colour."""
    icon = QIcon()
    for size in SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(0, 0, size, size)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BRAND))
        painter.drawRoundedRect(box, size * 0.22, size * 0.22)
        _arrows(painter, box, "#ffffff", max(1.6, size * 0.1))
        painter.end()
        icon.addPixmap(pixmap)
    return icon
