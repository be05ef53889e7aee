"""Server-rendered SVG charts: numbers in, coordinates out; the template draws them (no outside service,
no script: they render on any phone under the CSP)."""

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 320, 120, 4


@dataclass
class Line:
    points: str  # "x,y x,y ..." for <polyline>
    area: str  # the same, closed down to the axis, for the filled shape under it


@dataclass
class Chart:
    lines: list[Line]
    top: int  # the largest value, the label of the top grid line
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[dict] | None = None  # for the follows/unfollows chart: {x, w, up, down}


def _scale(values: list[int], top: int) -> list[tuple[float, float]]:
    n = len(values)
    step = (WIDTH - 2 * PAD) / max(n - 1, 1)
    usable = HEIGHT - 2 * PAD
    return [(round(PAD + i * step, 1), round(HEIGHT - PAD - (v / top) * usable, 1)) for i, v in enumerate(values)]


def lines_chart(*series: list[int]) -> Chart:
    """One polyline per series, on one shared scale (views and reach per day)."""
    top = max([max(s, default=0) for s in series] + [1])
    lines = []
    for values in series:
        pts = _scale(values, top)
        joined = " ".join(f"{x},{y}" for x, y in pts)
        area = f"{pts[0][0]},{HEIGHT - PAD} {joined} {pts[-1][0]},{HEIGHT - PAD}" if pts else ""
        lines.append(Line(points=joined, area=area))
    return Chart(lines=lines, top=top)


def bars_chart(up: list[int], down: list[int]) -> Chart:
    """Follows above the middle line, unfollows below it, one pair of bars a day."""
    top = max(max(up, default=0), max(down, default=0), 1)
    n = max(len(up), 1)
    slot = (WIDTH - 2 * PAD) / n
    half = (HEIGHT - 2 * PAD) / 2
    bars = []
    for i, (u, d) in enumerate(zip(up, down)):
        bars.append({"x": round(PAD + i * slot + slot * 0.15, 1), "w": round(max(slot * 0.7, 1), 1),
                     "up": round(u / top * half, 1), "down": round(d / top * half, 1),
                     "up_y": round(PAD + half - u / top * half, 1)})
    return Chart(lines=[], top=top, bars=bars)
