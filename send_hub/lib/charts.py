"""Bar geometry for the templates' inline SVG charts (no inline styles under the CSP)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    flag: bool = False


def bars(
    items: list[tuple[str, float]], *, height: float = 120, width: float = 600, gap: float = 4
) -> list[Bar]:
    """Lay out vertical bars for ``items`` in a ``width`` x ``height`` SVG box."""
    if not items:
        return []
    top = max((v for _, v in items), default=0) or 1
    step = width / len(items)
    out = []
    for i, (label, value) in enumerate(items):
        h = round(height * value / top, 1)
        out.append(Bar(label, value, round(i * step + gap / 2, 1), height - h, step - gap, h))
    return out


def hbars(items: list[tuple[str, float]], *, width: float = 400, row: float = 22) -> list[Bar]:
    """Lay out horizontal bars (one row each) for ``items``; labels sit left of x=0 in the box."""
    top = max((v for _, v in items), default=0) or 1
    return [
        Bar(label, value, 0, i * row + 3, round(width * value / top, 1), row - 6)
        for i, (label, value) in enumerate(items)
    ]
