"""What every chart shares: the palette, and the SVG that vl-convert draws made accessible (one
image with a name and a title), or a "No data yet" picture of the same size."""

from __future__ import annotations

import re
from html import escape

ACCENT = "#2f5bd3"
MUTED = "#8a93a6"
GOOD = "#1d7a45"
INK = "#1d2433"
NAIVE = "#a15c00"

_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")


def accessible_svg(svg: str, label: str) -> str:
    """Mark the root as one image with a name, and drop vl-convert's white backdrop."""
    safe = escape(label, quote=True)

    def opening(m: re.Match[str]) -> str:
        attrs = m.group(1).replace(' class="marks"', ' class="chart"')
        return f'<svg{attrs} role="img" aria-label="{safe}" focusable="false"><title>{safe}</title>'

    return _SVG_OPEN.sub(opening, svg, count=1)


def no_data_svg(width: int, height: int, label: str) -> str:
    safe = escape(label, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart no-data" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{safe}">'
        f"<title>{safe}</title>"
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="6" fill="#f6f7fb" '
        f'stroke="#d9dee8" stroke-dasharray="4 3"/>'
        f'<text x="{width / 2:g}" y="{height / 2:g}" dy="0.35em" text-anchor="middle" '
        f'font-family="sans-serif" font-size="12" fill="{MUTED}">No data yet</text></svg>'
    )


def finite(*values: float) -> bool:
    """True when every value is an ordinary number (not NaN, not infinite)."""
    return all(v == v and abs(v) != float("inf") for v in values)
