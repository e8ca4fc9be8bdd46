"""Where each partnership is, checked against the timetable's data: an `area` and a `vru`
named in strategy.yaml are ones the timetable names (the package's statutory `areas` and
`violence_reduction_units`, and a site's own), and agree with the `region` and with what the
template implies (the London template: London, in England). Each problem names the file,
line and field, and what to write instead."""

from __future__ import annotations

from pathlib import Path

from ..model import Document, Edition, Timetable, templates
from ..publications import EDITIONS_FOLDER
from .english import suggest
from .problems import Problems
from .yaml_lines import YamlFile, read_yaml


def edition_file(data_dir: Path, edition: Edition) -> Path:
    """An edition's strategy.yaml: the document's own, or its folder's in editions/."""
    folder = data_dir / edition.home
    if not edition.latest:
        folder = folder / EDITIONS_FOLDER / edition.identity.edition_id
    return folder / "strategy.yaml"


def check_places(documents: list[Document], places: Timetable, data_dir: Path,
                 problems: Problems) -> None:
    """Every edition's `region`, `area` and `vru` against the timetable's places."""
    for document in documents:
        for edition in document.editions:
            identity = edition.identity
            if identity.region is None and identity.area is None and identity.vru is None \
                    and templates().area_of(identity.template) is None:
                continue
            path = edition_file(data_dir, edition)
            lines = read_yaml(path, path.relative_to(data_dir.parent), data_dir)
            for field, message in place_problems(edition, places):
                problems.add(lines.path, _line(lines, field), field, message)


def _line(lines: YamlFile, field: str) -> int | None:
    return lines.lines.get((field,)) or lines.lines.get(("template",))


def place_problems(edition: Edition, places: Timetable) -> list[tuple[str, str]]:
    """What is wrong with where an edition says its partnership is: (field, message)."""
    identity = edition.identity
    found: list[tuple[str, str]] = []
    areas = [area.id for area in places.areas]
    units = [unit.id for unit in places.violence_reduction_units]
    if identity.area is not None and places.area(identity.area) is None:
        found.append(("area", f"expected one of the areas the timetable names "
                              f"({', '.join(areas) or 'none'}); found the text "
                              f"'{identity.area}'{suggest(identity.area, areas)}. Leave "
                              "'area' out where no area's own rules apply; a new area is added "
                              "under 'areas:' in strategy_data/timetable.yaml"))
    if identity.vru is not None and places.unit(identity.vru) is None:
        found.append(("vru", f"expected one of the Violence Reduction Units the timetable "
                             f"names ({', '.join(units) or 'none'}); found the text "
                             f"'{identity.vru}'{suggest(identity.vru, units)}. Leave 'vru' out "
                             "where the area has none; a unit is added under "
                             "'violence_reduction_units:' in strategy_data/timetable.yaml"))
    implied = templates().area_of(identity.template)
    area_id = identity.area or (implied[0] if implied else None)
    area = places.area(area_id) if area_id else None
    if identity.region is not None and area is not None and area.region != identity.region:
        if identity.area:
            message = (f"expected region {area.region}: area {area.id} is in {area.region}; "
                       f"this file says region {identity.region}")
        else:
            message = (f"expected region {area.region} or no 'region': the "
                       f"{identity.template} template is for partnerships in {area.name}, "
                       f"which is in {area.region}; this file says region {identity.region}. "
                       f"A partnership outside {area.name} follows "
                       "'template: serious-violence-duty'")
        found.append(("region", message))
    unit = places.unit(identity.vru) if identity.vru else None
    if unit is not None and identity.region is not None and unit.region != identity.region:
        found.append(("vru", f"expected a Violence Reduction Unit in region {identity.region}; "
                             f"{unit.name} ('{unit.id}') is in {unit.region}"))
    elif unit is not None and unit.area is not None and area_id not in (None, unit.area):
        found.append(("vru", f"expected a Violence Reduction Unit of area {area_id}; "
                             f"{unit.name} ('{unit.id}') serves area {unit.area}"))
    return found


def check_rule_places(own: Timetable, places: Timetable, file: YamlFile,
                      problems: Problems) -> None:
    """Every rule of a site's own timetable.yaml names in `applies_to` an area or unit the
    timetable knows (the package's own rules are checked by its tests)."""
    for index, rule in enumerate(own.rules):
        scope = rule.applies_to
        if scope == "all" or scope.region:
            continue
        kind, ident = ("area", scope.area) if scope.area else ("vru", scope.vru)
        known = [area.id for area in places.areas] if kind == "area" else \
            [unit.id for unit in places.violence_reduction_units]
        if ident in known:
            continue
        names = "areas" if kind == "area" else "Violence Reduction Units"
        at = ("rules", index, "applies_to", kind)
        problems.add(file.path, file.line(at), f"rules[{index + 1}].applies_to.{kind}",
                     f"expected one of the {names} the timetable names "
                     f"({', '.join(known) or 'none'}); found the text "
                     f"'{ident}'{suggest(str(ident), known)}")
