"""Which timetable rules concern a strategy, and why: by its template (and those it extends)
and by where its partnership is (region, area, Violence Reduction Unit). The timetable, the
submission pack and `strategy-site check` all ask here, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Edition, Scope, Timetable, TimetableRule, templates


@dataclass(frozen=True)
class Place:
    """Where a partnership is, and which field of strategy.yaml says so for each (`region`,
    `area`, `vru`, or `template` where the template implies it)."""

    region: str | None
    region_from: str
    area: str | None
    area_from: str
    vru: str | None


@dataclass(frozen=True)
class Verdict:
    """Whether a rule concerns a strategy, the reason in words, and the field of its
    strategy.yaml the reason rests on (for `check` to name its line)."""

    rule: TimetableRule
    applies: bool
    because: str
    field: str
    """The field of strategy.yaml the reason rests on; empty for a rule of every strategy."""


def place_of(strategy: Edition, timetable: Timetable | None) -> Place:
    """Where the strategy's partnership is: as strategy.yaml says, else as its template
    implies (the London template: area london), a region from its area or unit if unsaid."""
    identity = strategy.identity
    implied = templates().area_of(identity.template)
    area, area_from = identity.area, "area"
    if area is None and implied is not None:
        area, area_from = implied[0], "template"
    region, region_from = identity.region, "region"
    if region is None and timetable is not None:
        found = timetable.area(area) if area else None
        unit = timetable.unit(identity.vru) if identity.vru else None
        if found is not None:
            region, region_from = found.region, area_from
        elif unit is not None:
            region, region_from = unit.region, "vru"
    return Place(region, region_from, area, area_from, identity.vru)


def verdict(rule: TimetableRule, strategy: Edition, timetable: Timetable | None) -> Verdict:
    """Whether `rule` concerns `strategy`, and why."""
    template = strategy.identity.template
    if rule.site_wide:
        return Verdict(rule, False, "the website's own rule, checked once for the site",
                       "template")
    lineage = templates().lineage(template)
    if rule.templates and not set(lineage) & set(rule.templates):
        return Verdict(rule, False, f"the rule is for the {' and '.join(rule.templates)} "
                                    f"template (and those extending it); this document's "
                                    f"is {template}", "template")
    via = (f"template {template}" + (f", which extends {lineage[-1]}" if len(lineage) > 1
                                     else "")) if rule.templates else ""
    if rule.applies_to == "all":
        return Verdict(rule, True, "; ".join(filter(None, ("every partnership", via))),
                       "template" if via else "")
    return _by_place(rule, rule.applies_to, strategy, timetable, via)


def _by_place(rule: TimetableRule, scope: Scope, strategy: Edition,
              timetable: Timetable | None, via: str) -> Verdict:
    """Whether a rule for a region, an area or a unit concerns the strategy's partnership."""
    place = place_of(strategy, timetable)
    name = scope.field
    value, source = {"region": (place.region, place.region_from),
                     "area": (place.area, place.area_from),
                     "vru": (place.vru, "vru")}[name]
    wanted = scope.region if scope.region else (scope.area,) if scope.area else (scope.vru,)
    implied = "" if source == name else (
        f", implied by template {strategy.identity.template}" if source == "template"
        else f", implied by its {source}")
    if value is not None and value in wanted:
        return Verdict(rule, True, f"{name} {value}{implied}" + (f"; {via}" if via else ""),
                       source)
    shown = f"{name} {value}{implied}" if value else f"no {name} given"
    return Verdict(rule, False, f"the rule concerns {scope.wanted()}; this partnership has "
                                f"{shown}", source)


def applies(rule: TimetableRule, strategy: Edition, timetable: Timetable | None) -> bool:
    """Whether `rule` concerns `strategy` (see `verdict` for why)."""
    return verdict(rule, strategy, timetable).applies
