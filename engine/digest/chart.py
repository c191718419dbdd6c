"""The digest's chart: reports per week for twelve weeks, as a small PNG and as a text table.

Drawn with Pillow rather than matplotlib: a weekly run draws one chart per partnership and area
(thousands), and a dozen bars need a few milliseconds with Pillow against tens with matplotlib.
"""
from __future__ import annotations

import hashlib
import io
from datetime import date

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 480, 160
LEFT, BOTTOM, TOP = 28, 22, 18
BAR = (31, 78, 121)
INK = (60, 60, 60)


def chart_png(counts: list[int], week_starts: list[date], title: str = "Reports per week") -> bytes:
    """Bars of `counts` (oldest first) labelled with each week's start date every other bar."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.text((LEFT, 2), title, fill=INK, font=font)
    top = max(counts, default=0) or 1
    slot = (WIDTH - LEFT - 8) / max(len(counts), 1)
    base = HEIGHT - BOTTOM
    draw.line((LEFT, base, WIDTH - 4, base), fill=INK)
    draw.text((2, TOP - 2), str(top), fill=INK, font=font)
    draw.text((2, base - 10), "0", fill=INK, font=font)
    for n, (count, start) in enumerate(zip(counts, week_starts)):
        x = LEFT + n * slot + 3
        height = (base - TOP) * count / top
        if count:
            draw.rectangle((x, base - height, x + slot - 6, base), fill=BAR)
        if n % 2 == 0:
            draw.text((x, base + 4), start.strftime("%d %b"), fill=INK, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def chart_rows(counts: list[int], week_starts: list[date]) -> list[dict[str, object]]:
    """The same figures for the plain-text part and for screen readers."""
    return [{"week": start.isoformat(), "reports": count} for start, count in zip(week_starts, counts)]


def series_key(counts: list[int], week_starts: list[date]) -> str:
    """Identical series share one stored PNG."""
    text = ",".join(map(str, counts)) + "|" + (week_starts[0].isoformat() if week_starts else "")
    return hashlib.sha256(text.encode()).hexdigest()
