"""PNG charts for the Word report (matplotlib's Agg renderer, its bundled DejaVu font)."""

from __future__ import annotations

import io

BLUE = "#1f4e79"
RED = "#b3261e"


def _truncate(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars(
    labels: list[str],
    values: list[float],
    *,
    title: str,
    unit: str = "",
    highlight: list[bool] | None = None,
    limit: int = 15,
) -> bytes:
    """Horizontal bars, largest first, at most ``limit`` of them."""
    from matplotlib.figure import Figure  # loaded by the processes that draw only

    pairs = list(zip(labels, values, highlight or [False] * len(values), strict=True))[:limit]
    pairs.reverse()
    height = 1.2 + 0.38 * max(len(pairs), 1)
    figure = Figure(figsize=(7.2, height), dpi=150)
    # Fixed margins (room for the labels on the left): tight_layout would draw twice.
    figure.subplots_adjust(left=0.42, right=0.95, top=1 - 0.45 / height, bottom=0.55 / height)
    axes = figure.subplots()
    if pairs:
        names = [_truncate(p[0]) for p in pairs]
        numbers = [p[1] for p in pairs]
        colours = [RED if p[2] else BLUE for p in pairs]
        drawn = axes.barh(names, numbers, color=colours)
        axes.bar_label(
            drawn,
            labels=[f"{round(v):,}".replace(",", ".") for v in numbers],
            padding=3,
            fontsize=9,
        )
        axes.set_xlim(0, max(numbers) * 1.15 or 1)
    else:
        axes.text(0.5, 0.5, "Không có số liệu", ha="center", va="center")
        axes.set_yticks([])
    axes.set_title(title, fontsize=11, loc="left")
    if unit:
        axes.set_xlabel(unit, fontsize=9)
    axes.tick_params(labelsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
