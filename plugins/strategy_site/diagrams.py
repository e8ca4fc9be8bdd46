"""Diagram data to drawings: the geometry of each diagram kind, as plain shapes.

A layout is a list of shapes (rectangles, paths, text) in a coordinate box; the template
`diagram.svg.html` turns it into SVG, and the text version is rendered from the same diagram
data, so the two views cannot disagree. All layouts but the line chart grow downwards in a
narrow box, so they read on a phone without shrinking; the line chart scrolls in its region.

Text is wrapped by an estimate of glyph width (generous, for the widest system sans-serif and
a reader's own wider text spacing), since the browser's fonts are unknown here. Every piece of
text is wrapped to the room it has, breaking a word longer than a line, so no text from the
data runs outside the drawing's box;
control characters, which have no glyph and which XML forbids, are left out of the drawing.
"""

from __future__ import annotations

import math
import textwrap
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from . import catalog
from .catalog import gettext as _
from .formatting import figure_text
from .model import (
    ChartDiagram,
    Diagram,
    Figure,
    FrameworkDiagram,
    Funding,
    GroupsDiagram,
    Series,
    TreeDiagram,
    TreeNode,
)

FONT = 15.0
"""Text size in drawing units; a narrow drawing is shown at about its own size on a phone."""
LINE = 20.0
GLYPH = FONT * 0.64
"""Average glyph width: DejaVu Sans Bold, the widest likely sans-serif, 0.64 of the size."""
CHAR = GLYPH + FONT * 0.14
"""The width a character is given on the web: the glyph and room for a reader's own text
spacing (WCAG 1.4.12: 0.12 of the size between letters and 0.16 between words, about 0.14 a
character in all), so no label spills out of its drawing when a reader widens the spacing. A
PDF's text spacing cannot be changed by its reader, so print drawings give a character its
glyph's width alone, and tall ones shrink less to fit a page."""
_char: ContextVar[float] = ContextVar("char", default=CHAR)
"""The width a character is given in the drawing being laid out (see `draw`)."""
PAD = 10.0
GAP = 10.0
NARROW = 340.0
"""The width of the drawings that grow downwards: about a phone's width in CSS pixels."""
SHRINK = 0.8
"""The most a drawing may be scaled down before its region scrolls instead."""
MARKERS = ("circle", "square", "triangle", "diamond")
"""Line-chart point shapes, one per series, so series differ without colour."""


@dataclass(frozen=True)
class Rect:
    """A box: a diagram's node, a band or layer, a bar."""

    tag: ClassVar[str] = "rect"
    x: float
    y: float
    width: float
    height: float
    style: str
    """A class suffix: the stylesheet gives each style its colours in both palettes."""


@dataclass(frozen=True)
class Stroke:
    """A line drawn along an SVG path (`d`): a link, an arrow, an axis, a chart's line."""

    tag: ClassVar[str] = "path"
    d: str
    style: str


@dataclass(frozen=True)
class Label:
    """Words in a drawing, wrapped to `lines` beforehand (SVG text does not wrap)."""

    tag: ClassVar[str] = "text"
    x: float
    y: float
    lines: tuple[str, ...]
    style: str
    anchor: str = "start"
    line_height: float = LINE


@dataclass(frozen=True)
class Marker:
    """A line chart's point: a shape per series, so series differ without colour."""

    tag: ClassVar[str] = "marker"
    x: float
    y: float
    shape: str
    style: str


@dataclass
class Drawing:
    """Shapes in a box of `width` by `height` drawing units, and the series patterns used."""

    width: float
    height: float = 0.0
    shapes: list[Rect | Stroke | Label | Marker] = field(default_factory=list)
    patterns: int = 0
    """How many series patterns (fills that differ without colour) the drawing uses."""

    @property
    def min_width(self) -> float:
        """Below this width (CSS px) the drawing scrolls in its region rather than shrink."""
        return round(self.width * SHRINK)


def draw(diagram: Diagram, for_print: bool = False) -> Drawing:
    """The drawing of any diagram, for the web (with room for text spacing) or for print."""
    token = _char.set(GLYPH if for_print else CHAR)
    try:
        return _draw(diagram)
    finally:
        _char.reset(token)


def draw_for_print(diagram: Diagram) -> Drawing:
    """The drawing of a diagram in a PDF."""
    return draw(diagram, for_print=True)


def _draw(diagram: Diagram) -> Drawing:
    if isinstance(diagram, TreeDiagram):
        return _draw_tree(diagram)
    if isinstance(diagram, GroupsDiagram):
        return _draw_groups(diagram)
    if isinstance(diagram, FrameworkDiagram):
        return _draw_framework(diagram)
    if diagram.chart == "line":
        return _draw_line_chart(diagram)
    return _draw_bar_chart(diagram)


def wrap(text: str, width: float) -> tuple[str, ...]:
    """Lines of `text` that fit `width` drawing units (at least four characters a line); a word
    longer than a line is broken."""
    return tuple(textwrap.wrap(_drawable(text), max(4, int(width // _char.get())),
                               break_on_hyphens=False)) or ("",)


def _drawable(text: str) -> str:
    """`text` without control characters: the line-breaking ones (tab, newline, next line ...)
    and the line and paragraph separators become spaces, the others are left out."""
    return "".join(
        " " if char.isspace() and unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in text
        if char.isspace() or unicodedata.category(char) != "Cc"
    )


def _width(line: str) -> float:
    """The estimated width of a line of text, in drawing units."""
    return len(line) * _char.get()


def _text_block(drawing: Drawing, x: float, y: float, width: float, text: str,
                style: str) -> float:
    """Wrapped text from the top-left corner (x, y); returns its height."""
    lines = wrap(text, width)
    drawing.shapes.append(Label(x, y + FONT, lines, style))
    return len(lines) * LINE


# --- structure charts -------------------------------------------------------------------

_INDENT = 26.0


def _draw_tree(diagram: TreeDiagram) -> Drawing:
    """An indented tree: each box below its parent, shifted right, joined by an elbow line."""
    drawing = Drawing(NARROW)
    y = 1.0
    for node in diagram.nodes:
        y = _draw_node(drawing, node, 0, y) + GAP
    drawing.height = y - GAP + 2
    return drawing


def _draw_node(drawing: Drawing, node: TreeNode, depth: int, y: float) -> float:
    x = 1.0 + depth * _INDENT
    width = drawing.width - x - 1.0
    lines = wrap(node.label, width - 2 * PAD)
    height = len(lines) * LINE + 2 * PAD - (LINE - FONT)
    style = "box-strong" if depth == 0 else "box"
    drawing.shapes.append(Rect(x, y, width, height, style))
    drawing.shapes.append(Label(x + PAD, y + PAD + FONT - 2, lines,
                               "label-strong" if depth == 0 else "label"))
    bottom = y + height
    for child in node.children:
        child_top = bottom + GAP
        child_bottom = _draw_node(drawing, child, depth + 1, child_top)
        elbow_x = x + _INDENT / 2
        middle = child_top + PAD + FONT / 2
        drawing.shapes.append(Stroke(f"M{elbow_x:g},{bottom:g}V{middle:g}H{x + _INDENT:g}", "link"))
        bottom = child_bottom
    return bottom


def _draw_groups(diagram: GroupsDiagram) -> Drawing:
    """Each group as a labelled band over a box listing its members."""
    drawing = Drawing(NARROW)
    y = 1.0
    inner = drawing.width - 2 - 2 * PAD
    for group in diagram.groups:
        label_lines = wrap(group.label, inner)
        band = len(label_lines) * LINE + PAD
        drawing.shapes.append(Rect(1, y, drawing.width - 2, band, "band"))
        drawing.shapes.append(Label(1 + PAD, y + PAD / 2 + FONT - 2, label_lines, "band-label"))
        top = y + band
        body_y = top + PAD
        member_shapes: list[Rect | Stroke | Label | Marker] = []
        for member in group.members:
            lines = wrap(member, inner - 14)
            member_shapes.append(Marker(1 + PAD + 4, body_y + FONT / 2 + 1, "circle", "bullet"))
            member_shapes.append(Label(1 + PAD + 14, body_y + FONT - 2, lines, "label"))
            body_y += len(lines) * LINE + 4
        box_height = body_y - top + PAD - 4
        drawing.shapes.append(Rect(1, top, drawing.width - 2, box_height, "box"))
        drawing.shapes.extend(member_shapes)
        y = top + box_height + GAP
    if diagram.footnote:
        y += _text_block(drawing, 1, y, drawing.width - 2, diagram.footnote, "note") + GAP
    drawing.height = y - GAP + 2
    return drawing


def _draw_framework(diagram: FrameworkDiagram) -> Drawing:
    """Layers stacked top to bottom, joined by arrows; each statement in its own box."""
    drawing = Drawing(NARROW)
    y = 1.0
    inner = drawing.width - 2 - 2 * PAD
    for index, layer in enumerate(diagram.layers):
        if index:
            middle = drawing.width / 2
            drawing.shapes.append(Stroke(f"M{middle:g},{y:g}v14", "link"))
            drawing.shapes.append(Stroke(f"M{middle - 6:g},{y + 8:g}l6,7l6,-7", "link"))
            y += 18
        top = y
        shapes: list[Rect | Stroke | Label | Marker] = []
        y += PAD
        if layer.label:
            lines = wrap(layer.label, inner)
            shapes.append(Label(1 + PAD, y + FONT - 2, lines, "label-strong"))
            y += len(lines) * LINE + 4
        for statement in layer.statements:
            lines = wrap(statement, inner - 2 * PAD)
            height = len(lines) * LINE + PAD
            shapes.append(Rect(1 + PAD, y, inner, height, "box"))
            shapes.append(Label(1 + 2 * PAD, y + PAD / 2 + FONT - 2, lines, "label"))
            y += height + 6
        y += PAD - 6
        drawing.shapes.append(Rect(1, top, drawing.width - 2, y - top, "layer"))
        drawing.shapes.extend(shapes)
    drawing.height = y + 2
    return drawing


# --- charts -------------------------------------------------------------------------------

_BAR = 18.0


def series_style(number: int) -> str:
    """A series' fill: the first of every four is solid, the others patterned."""
    return "fill-0" if number % 4 == 0 else f"series-{number}"


def _draw_bar_chart(chart: ChartDiagram) -> Drawing:
    """Horizontal bars, each category's label above its bars: legible at a phone's width."""
    drawing = Drawing(NARROW, patterns=len(chart.series))
    y = _draw_legend(drawing, chart, 1.0)
    room = drawing.width - 2 - 86.0  # space on the right for the value label
    stacked = chart.layout == "stacked"
    largest = max((_category_total(chart, i) if stacked else _largest(chart, i)
                   for i in range(len(chart.categories))), default=Decimal(1))
    top_tick, step = _scale(largest)
    scale = room / float(top_tick)
    # Each bar's value label is on its right, 6 units after its end. Where a label is wider
    # than the room left there, the bars are shortened so that it fits; a label wider than
    # half the drawing wraps.
    ends = [(_category_total(chart, i), _total_label(chart, i))
            for i in range(len(chart.categories))] if stacked else [
        (series.values[i].value or Decimal(0), _format(chart, series.values[i]))
        for series in chart.series for i in range(len(chart.categories))]
    for end, label in ends:
        if end > 0:
            fits = (drawing.width - 8 - min(_width(label), drawing.width / 2)) / float(end)
            if fits < scale:
                scale, room = fits, fits * float(top_tick)
    chart_top = y
    for index, category in enumerate(chart.categories):
        y += _text_block(drawing, 1, y, drawing.width - 2, category, "label-strong") + 2
        if stacked:
            x = 1.0
            for number, series in enumerate(chart.series):
                figure = series.values[index]
                if figure.value:
                    length = float(figure.value) * scale
                    drawing.shapes.append(Rect(x, y, length, _BAR, series_style(number)))
                    x += length
            y += _value_label(drawing, x + 6, y, _total_label(chart, index), _BAR + 4)
        else:
            for number, series in enumerate(chart.series):
                figure = series.values[index]
                length = float(figure.value) * scale if figure.value else 0.0
                if length:
                    drawing.shapes.append(Rect(1, y, length, _BAR, series_style(number)))
                y += _value_label(drawing, 1 + length + 6, y, _format(chart, figure), _BAR + 3)
        y += GAP
    # The scale: a baseline and ticks, so bar lengths can be read, not only their labels.
    axis = y
    drawing.shapes.append(Stroke(f"M1,{chart_top:g}V{axis:g}H{1 + room:g}", "axis"))
    tick_lines = 1
    for tick in _ticks(top_tick, step):
        tx = 1 + float(tick) * scale
        # A tick's label is centred on it (the first starts at it), so it has twice the room
        # to the nearer edge of the drawing.
        room_right = drawing.width - 1 - tx
        lines = wrap(_short(chart, tick), 2 * min(tx - 1, room_right) if tick else room_right)
        tick_lines = max(tick_lines, len(lines))
        drawing.shapes.append(Stroke(f"M{tx:g},{axis:g}v5", "axis"))
        drawing.shapes.append(Label(tx, axis + 6 + FONT, lines, "tick",
                                   anchor="middle" if tick else "start"))
    y = axis + 8 + LINE * tick_lines
    units = _("Units: %(units)s") % {"units": chart.units}
    y += _text_block(drawing, 1, y, drawing.width - 2, units, "note")
    drawing.height = y + 4
    return drawing


def _draw_line_chart(chart: ChartDiagram) -> Drawing:
    """Lines across the categories; each series with its own point shape and dash pattern."""
    drawing = Drawing(560.0, patterns=len(chart.series))
    y = _draw_legend(drawing, chart, 1.0)
    largest = max((f.value for s in chart.series for f in s.values if f.value is not None),
                  default=Decimal(1))
    top_tick, tick_step = _scale(largest)
    # The scale's labels end 6 units left of the axis: 60 units leave room for '£400k'; wider
    # labels move the axis right, up to a third of the drawing (a longer label wraps there).
    widest = max(_width(_short(chart, tick)) for tick in _ticks(top_tick, tick_step))
    # The last category's label is centred under the right end: room for four characters.
    left, right = min(max(60.0, widest + 7), drawing.width / 3), drawing.width - 2 * _char.get() - 2
    top, bottom = y + 10.0, y + 230.0
    for tick in _ticks(top_tick, tick_step):
        ty = bottom - (bottom - top) * float(tick / top_tick)
        drawing.shapes.append(Stroke(f"M{left:g},{ty:g}H{right:g}", "grid"))
        drawing.shapes.append(Label(left - 6, ty + 5, wrap(_short(chart, tick), left - 7),
                                   "tick", "end"))
    drawing.shapes.append(Stroke(f"M{left:g},{top:g}V{bottom:g}H{right:g}", "axis"))
    step = (right - left) / max(1, len(chart.categories) - 1)
    label_width = max(step, 40.0)
    category_lines = 1
    for index, category in enumerate(chart.categories):
        x = left + index * step if len(chart.categories) > 1 else (left + right) / 2
        # Centred under its point, so no wider than twice the room to the nearer edge.
        lines = wrap(category, min(label_width, 2 * (x - 1), 2 * (drawing.width - 1 - x)))
        category_lines = max(category_lines, len(lines))
        drawing.shapes.append(Label(x, bottom + 6 + FONT, lines, "tick", "middle"))
    for number, series in enumerate(chart.series):
        points: list[tuple[float, float] | None] = []
        for index, figure in enumerate(series.values):
            if figure.value is None:
                points.append(None)
                continue
            x = left + index * step if len(chart.categories) > 1 else (left + right) / 2
            points.append((x, bottom - (bottom - top) * float(figure.value / top_tick)))
        drawing.shapes.append(Stroke(_polyline(points), f"line-{number}"))
        for point in points:
            if point is not None:
                drawing.shapes.append(Marker(point[0], point[1], MARKERS[number % len(MARKERS)],
                                             f"marker-{number}"))
    y = bottom + 12 + max(2, category_lines) * LINE
    units = _("Units: %(units)s") % {"units": chart.units}
    y += _text_block(drawing, 1, y, drawing.width - 2, units, "note")
    drawing.height = y + 4
    return drawing


def _draw_legend(drawing: Drawing, chart: ChartDiagram, y: float) -> float:
    """A key of series: a swatch (pattern or point shape) and the series name, one per line."""
    for number, series in enumerate(chart.series):
        if chart.chart == "line":
            drawing.shapes.append(Stroke(f"M1,{y + 9:g}h28", f"line-{number}"))
            drawing.shapes.append(Marker(15, y + 9, MARKERS[number % len(MARKERS)],
                                         f"marker-{number}"))
        else:
            drawing.shapes.append(Rect(1, y + 1, 28, 16, series_style(number)))
        y += _text_block(drawing, 38, y, drawing.width - 40, series.name, "label") + 4
    return y + GAP


def _value_label(drawing: Drawing, x: float, y: float, label: str, row: float) -> float:
    """A bar's value label from `x`, beside the bar whose top is `y`, wrapped to the room left
    of the drawing's right edge; returns the height the bar's row takes (`row` for one line)."""
    lines = wrap(label, drawing.width - 1 - x)
    drawing.shapes.append(Label(x, y + _BAR - 4, lines, "value"))
    return row + (len(lines) - 1) * LINE


def _total_label(chart: ChartDiagram, index: int) -> str:
    """A stacked bar's label: the category's total, when every figure in it is exact."""
    total = chart.row_total(index)
    return _format(chart, total) if total else _("total not known")


def _polyline(points: list[tuple[float, float] | None]) -> str:
    """A path through the known points; a gap where a figure is not known."""
    parts, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point[0]:g},{point[1]:g}")
        pen_down = True
    return "".join(parts) or "M0,0"


def _largest(chart: ChartDiagram, index: int) -> Decimal:
    return max((s.values[index].value or Decimal(0) for s in chart.series), default=Decimal(0))


def _category_total(chart: ChartDiagram, index: int) -> Decimal:
    return sum((s.values[index].value or Decimal(0) for s in chart.series), Decimal(0))


def _scale(largest: Decimal) -> tuple[Decimal, Decimal]:
    """The end of the scale and the step between ticks: steps of 1, 2 or 5 times a power of
    ten, about four of them, so whole counts get whole ticks."""
    if largest <= 0:
        return Decimal(1), Decimal(1)
    raw = largest / 4
    magnitude = Decimal(10) ** math.floor(math.log10(float(raw)))
    step = next(magnitude * m for m in (1, 2, 5, 10) if magnitude * m >= raw)
    return math.ceil(largest / step) * step, step


def _ticks(top: Decimal, step: Decimal) -> list[Decimal]:
    """The tick values from 0 to `top`."""
    return [step * i for i in range(int(top / step) + 1)]


def _format(chart: ChartDiagram, figure: Figure) -> str:
    """A figure as the chart labels it: '£412,554', '36', '<10'."""
    return figure_text(figure, chart.prefix)


def _short(chart: ChartDiagram, value: Decimal) -> str:
    """A tick label: '£400k', '250', '1.5m'."""
    prefix = chart.prefix or ""
    if value >= 1_000_000:
        return f"{prefix}{value / 1_000_000:g}m"
    if value >= 10_000:
        return f"{prefix}{value / 1000:g}k"
    return f"{prefix}{value.normalize():f}" if value == value.to_integral_value() \
        else f"{prefix}{value:g}"


def funding_chart(funding: Funding, language: str | None = None) -> ChartDiagram | None:
    """The funding tables as a chart of pounds (streams by year), if the data asks for one:
    the chart's wording (its units, "£", "Fund", its source) is the site's, not the data's,
    in the edition's `language` (none: English)."""
    if funding.chart is None or not funding.streams:
        return None
    _ = catalog.gettext_in(language)
    years = funding.years
    return ChartDiagram(
        id="funding-chart", kind="chart", chart="bar", layout="grouped",
        title=funding.chart.title, description=funding.chart.description,
        units=_("pounds"), prefix="£", source=_("the funding tables on this page"),
        period=_("%(first)s to %(last)s") % {"first": years[0], "last": years[-1]}
        if len(years) > 1 else years[0],
        category_label=_("Fund"), categories=tuple(s.name for s in funding.streams),
        series=tuple(Series(name=year, values=tuple(Figure(value=s.total(year))
                                                    for s in funding.streams))
                     for year in years),
    )
