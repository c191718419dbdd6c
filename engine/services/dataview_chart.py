"""A PNG chart of the top candidates' incidents per month, drawn server-side (matplotlib, Agg)."""
from __future__ import annotations

import io
from typing import Any

TOP = 5


def activity_chart(rows: list[dict[str, Any]], months: list[str]) -> bytes:
    """Lines of incidents per month for the first TOP rows (already ranked), as PNG bytes."""
    # Imported here, not at start-up: matplotlib costs every PEP process half a second and tens of MB,
    # and only this report draws with it.
    import matplotlib
    matplotlib.use("Agg")  # no display on a server; must be chosen before pyplot is imported
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 4), dpi=100)
    try:
        for row in rows[:TOP]:
            counts = [row["incidents"]["by_month"].get(month, 0) for month in months]
            axes.plot(months, counts, marker="o", label=f"#{row['rank']} {row['names'][0]}")
        axes.set_title("Incidents per month: top candidates")
        axes.set_ylabel("incidents")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.tick_params(axis="x", labelrotation=45)
        if rows:
            axes.legend(loc="upper left", fontsize="small")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        pyplot.close(figure)
