"""The chart under /stats: the last months of requests, tasks done and event
participants, as a PNG. Matplotlib's object API (no pyplot) keeps it free of global
state, so charts can be drawn while the bot runs. Matplotlib is imported when a chart
is drawn, not with the bot: it costs most processes memory for a rarely used command."""

from __future__ import annotations

import io
from dataclasses import dataclass

from bot.services.across.stats import Row

MONTHS_SHOWN = 6


@dataclass(frozen=True)
class ChartLabels:
    title: str
    requests: str
    done: str
    participants: str


def monthly_chart(rows: list[Row], labels: ChartLabels) -> bytes:
    months = sorted({row.month for row in rows})[-MONTHS_SHOWN:]
    series = {
        labels.requests: [sum(r.requests for r in rows if r.month == m) for m in months],
        labels.done: [sum(r.done for r in rows if r.month == m) for m in months],
        labels.participants: [sum(r.participants for r in rows if r.month == m) for m in months],
    }
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    width = 0.8 / len(series)
    positions = range(len(months))
    for index, (name, values) in enumerate(series.items()):
        axes.bar([p + index * width for p in positions], values, width, label=name)
    axes.set_xticks([p + width for p in positions], months)
    axes.set_title(labels.title)
    axes.legend()
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
