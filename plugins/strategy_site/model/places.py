"""Where a partnership is, and which partnerships a rule concerns: the Duty's two regions
(England and Wales), the areas with rules of their own (London), and the Violence Reduction
Units' areas, all named in the timetable's data (`areas`, `violence_reduction_units`)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from .base import StrictModel, invalid
from .sources import Source
from .values import Identifier, Text

Region = Literal["england", "wales"]
"""Where the Serious Violence Duty applies: England and Wales."""


class Area(StrictModel):
    """A part of a region with rules of its own (London: the action plan to its Violence
    Reduction Unit), named by its `id` in strategy.yaml's `area` and in rules' `applies_to`."""

    id: Identifier
    name: Text
    region: Region
    sources: tuple[Source, ...] = ()


class ViolenceReductionUnit(StrictModel):
    """A Violence Reduction Unit's area, named by its `id` in strategy.yaml's `vru` and in
    rules' `applies_to`."""

    id: Identifier
    name: Text
    region: Region
    area: Identifier | None = None
    """The area the unit serves as a whole, if it has rules of its own (London's)."""
    sources: tuple[Source, ...] = ()


class Scope(StrictModel):
    """Which partnerships a rule concerns, by one of: their `region` (one or more), their
    `area`, or their Violence Reduction Unit (`vru`)."""

    region: tuple[Region, ...] = ()
    area: Identifier | None = None
    vru: Identifier | None = None

    @model_validator(mode="after")
    def _one_way_to_say_who(self) -> Scope:
        given = [name for name in ("region", "area", "vru") if getattr(self, name)]
        if len(given) != 1:
            raise invalid((), "expected exactly one of 'region' (a list: england, wales), "
                              "'area' or 'vru'" + (f"; found {', '.join(given)}" if given
                                                   else ""))
        return self

    @property
    def field(self) -> str:
        """The field of strategy.yaml this scope is judged by."""
        return "region" if self.region else "area" if self.area else "vru"

    def wanted(self) -> str:
        """What the scope asks for, in words: 'region england or wales', 'area london'."""
        if self.region:
            return "region " + " or ".join(self.region)
        return f"area {self.area}" if self.area else f"vru {self.vru}"
