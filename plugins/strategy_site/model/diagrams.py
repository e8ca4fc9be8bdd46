"""Diagrams as data: one source for the picture and its text version (trees, groups,
frameworks, charts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import (
    CHART_CATEGORIES,
    CHART_SERIES,
    TREE_DEPTH,
    TREE_NODES,
    StrictModel,
    check_depth,
    invalid,
)
from .blocks import Withholdable
from .values import ChartValue, Figure, Identifier, Text


class DiagramBase(Withholdable):
    """What every diagram has: an id to place it, a title, and a short text alternative."""

    id: Identifier
    title: Text
    description: Text
    """One or two sentences saying what the diagram shows: the SVG's <desc>."""


class TreeNode(StrictModel):
    """A box in a structure chart, with the boxes below it."""

    label: Text
    children: tuple[TreeNode, ...] = ()


class TreeDiagram(DiagramBase):
    """A structure or governance chart: boards, groups and panels, nested."""

    kind: Literal["tree"]
    nodes: tuple[TreeNode, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _not_too_deep(self) -> TreeDiagram:
        check_depth("nodes", self.nodes, "children", TREE_DEPTH,
                     f"expected a tree at most {TREE_DEPTH} levels deep, so that it can be drawn "
                     "and its text version (lists in lists) read; this box is deeper: move it "
                     "up, or draw that branch as a diagram of its own")
        return self

    @model_validator(mode="after")
    def _not_too_many_boxes(self) -> TreeDiagram:
        count = sum(_size(node) for node in self.nodes)
        if count > TREE_NODES:
            raise invalid(("nodes",), f"expected at most {TREE_NODES} boxes in one tree, so that "
                                      f"it can be drawn and read; found {count}: draw it as "
                                      "several diagrams")
        return self


def _size(node: TreeNode) -> int:
    return 1 + sum(_size(child) for child in node.children)


class MemberGroup(StrictModel):
    """A labelled group of members (the chair, statutory partners ...)."""

    label: Text
    members: tuple[Text, ...] = Field(min_length=1)


class GroupsDiagram(DiagramBase):
    """Labelled groups of members, such as a partnership's membership."""

    kind: Literal["groups"]
    groups: tuple[MemberGroup, ...] = Field(min_length=1)
    footnote: Text | None = None


class Layer(StrictModel):
    """One layer of a framework: an optional label and its statements."""

    label: Text | None = None
    statements: tuple[Text, ...] = Field(min_length=1)


class FrameworkDiagram(DiagramBase):
    """Layered statements (vision, priorities, outcomes), read top to bottom."""

    kind: Literal["framework"]
    layers: tuple[Layer, ...] = Field(min_length=1)


class Series(StrictModel):
    """One series of a chart: a name and a value for each category."""

    name: Text
    values: tuple[ChartValue, ...] = Field(min_length=1)


class ChartDiagram(DiagramBase):
    """A bar or line chart drawn from a small data table, which is also its text version."""

    kind: Literal["chart"]
    chart: Literal["bar", "line"]
    layout: Literal["grouped", "stacked"] = "grouped"
    units: Text
    prefix: Annotated[Text, Field(max_length=4)] | None = None
    """Written before each figure, such as "£" (a few characters: a unit, not a sentence)."""
    source: Text
    period: Text
    category_label: Text
    """The heading of the categories in the data table, such as "Age" or "Fund"."""
    categories: tuple[Text, ...] = Field(min_length=1)
    series: tuple[Series, ...] = Field(min_length=1)
    totals: bool = False

    @model_validator(mode="after")
    def _readable_size(self) -> ChartDiagram:
        for field, count, most in (("categories", len(self.categories), CHART_CATEGORIES),
                                   ("series", len(self.series), CHART_SERIES)):
            if count > most:
                raise invalid((field, most), f"expected at most {most} {field} in one chart, "
                                             "so that its bars can be told apart and its data "
                                             f"table printed; found {count}: split it into "
                                             "several charts, or give the figures as a table", True)
        return self
    """Whether the data table adds a total row and column (computed, never typed)."""

    @model_validator(mode="after")
    def _a_value_per_category(self) -> ChartDiagram:
        for index, series in enumerate(self.series):
            if len(series.values) != len(self.categories):
                raise invalid(
                    ("series", index, "values"),
                    f"expected {len(self.categories)} values, one for each category "
                    f"({', '.join(self.categories)}), found {len(series.values)}",
                )
        if self.layout == "stacked" and self.chart == "line":
            raise invalid(("layout",), "expected 'grouped' for a line chart: only bars stack")
        return self

    @property
    def total_column(self) -> bool:
        """Whether the data table adds a total for each category: only across two or more
        series (with one, the total would repeat the figure)."""
        return self.totals and len(self.series) > 1

    def row_total(self, category: int) -> Figure | None:
        """The total of one category across series, when every figure in it is exact."""
        return _sum([series.values[category] for series in self.series])

    def column_total(self, series: Series) -> Figure | None:
        """The total of one series, when every figure in it is exact."""
        return _sum(list(series.values))

    def grand_total(self) -> Figure | None:
        """The total of every figure, when all are exact."""
        return _sum([value for series in self.series for value in series.values])


def _sum(figures: list[Figure]) -> Figure | None:
    if any(figure.value is None for figure in figures):
        return None
    return Figure(value=sum((figure.value or Decimal(0) for figure in figures), Decimal(0)))


Diagram = Annotated[
    TreeDiagram | GroupsDiagram | FrameworkDiagram | ChartDiagram, Field(discriminator="kind")
]


class Diagrams(StrictModel):
    """`diagrams.yaml`: a strategy's diagrams and charts, each placed on a page by its id."""

    diagrams: tuple[Diagram, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Diagrams:
        seen: set[str] = set()
        for index, diagram in enumerate(self.diagrams):
            if diagram.id in seen:
                raise invalid(("diagrams", index, "id"),
                              f"expected each diagram id once; '{diagram.id}' is used twice")
            seen.add(diagram.id)
        return self

    def get(self, ident: str) -> Diagram | None:
        """The diagram with this id."""
        return next((d for d in self.diagrams if d.id == ident), None)
