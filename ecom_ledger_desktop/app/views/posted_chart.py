"""Sales posted per day: bars of amounts, a line of order counts, the last 14 days."""

from __future__ import annotations

import math
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.sync.dashboard_queries import DayTotal

BAR_COLOUR = "#26a69a"
LINE_COLOUR = "#37474f"


def nice_step(largest: float, ticks: int = 5) -> float:
    """A round tick interval (1, 2, 2.5 or 5 × a power of ten) giving about ``ticks`` steps."""
    if largest <= 0:
        return 1.0
    raw = largest / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _count_axis(largest: int) -> QValueAxis:
    """An order-count axis with whole-number ticks, at most six of them."""
    step = max(1, math.ceil(nice_step(largest)))
    axis = QValueAxis()
    axis.setRange(0, step * max(1, math.ceil(largest / step)))
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    return axis


class PostedChart(QChartView):
    """A QtCharts view over a list of ``DayTotal``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setBackgroundBrush(QColor("white"))
        self.setMinimumHeight(280)
        chart = QChart()
        chart.setBackgroundVisible(False)
        chart.setPlotAreaBackgroundVisible(False)
        chart.setMargins(QMargins(0, 0, 0, 0))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.setChart(chart)
        self.days: list[DayTotal] = []
        self.currency = ""  # of every amount shown ("" when several)

    def set_days(self, days: list[DayTotal]) -> None:
        """Redraw for ``days`` (oldest first)."""
        self.days = days
        self.currency = fmt.one_currency(d.currency for d in days if d.orders)
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        amounts = QBarSet("Amount posted")
        amounts.setColor(QColor(BAR_COLOUR))
        amounts.setBorderColor(QColor(BAR_COLOUR))
        orders = QLineSeries()
        orders.setName("Orders")
        pen = QPen(QColor(LINE_COLOUR), 1.5)
        pen.setStyle(Qt.PenStyle.DashLine)
        orders.setPen(pen)
        orders.setPointsVisible(True)
        labels = []
        for index, day in enumerate(days):
            amounts.append(float(day.amount))
            orders.append(index, day.orders)
            labels.append(str(day.day.day))
        bars = QBarSeries()
        bars.append(amounts)
        bars.setBarWidth(0.6)
        chart.addSeries(bars)
        chart.addSeries(orders)
        x_axis = QBarCategoryAxis()
        x_axis.append(labels)
        if days:
            x_axis.setTitleText(f"{days[0].day:%d %b} – {days[-1].day:%d %b}")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        bars.attachAxis(x_axis)
        orders.attachAxis(x_axis)
        money_axis = QValueAxis()
        top = max((float(d.amount) for d in days), default=0)
        step = nice_step(top)
        money_axis.setRange(0, step * max(1, math.ceil(top / step)))
        money_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        money_axis.setTickAnchor(0)
        money_axis.setTickInterval(step)
        money_axis.setLabelFormat("%.0f")
        money_axis.setTitleText(f"Amount ({self.currency})" if self.currency else "Amount")
        chart.addAxis(money_axis, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(money_axis)
        count_axis = _count_axis(max((d.orders for d in days), default=0))
        count_axis.setTitleText("Orders")
        chart.addAxis(count_axis, Qt.AlignmentFlag.AlignRight)
        orders.attachAxis(count_axis)
        amounts.hovered.connect(self._on_hover)

    def _on_hover(self, status: bool, index: int) -> None:
        if status and 0 <= index < len(self.days):
            day = self.days[index]
            self.setToolTip(f"{day.day:%A %d %B}: {fmt.plural(day.orders, 'order')}, "
                            f"{fmt.amount(day.amount, self.currency)}")
        else:
            self.setToolTip("")

    @property
    def total(self) -> Decimal:
        """The sum of the amounts shown."""
        return sum((d.amount for d in self.days), Decimal(0))
