"""Read `strategy_data/` into the model, or say exactly what is wrong and where.

An officer reads "funding.yaml:14: field 'amounts.2022/2023': expected ..., found ..." rather
than a traceback. One module per idea, in the order a load uses them: `problems` (what is
wrong, gathered in one collector), `yaml_lines` (one YAML file with the line of every value),
`english` (pydantic's errors in plain English, on their lines), `folders` (the walk over the
data folder and the edition policy). Every name other modules use is importable from here.
"""

from __future__ import annotations

from .folders import (
    SHARED_FOLDER,
    TIMETABLE_FILE,
    TODO_MARK,
    load_document,
    load_edition,
    load_partnership,
    load_site,
    todo_markers,
)
from .problems import DataProblem, Problems, StrategyDataError
from .yaml_lines import MAX_FILE_BYTES, ParsedFiles, YamlFile, read_yaml

__all__ = [
    "MAX_FILE_BYTES",
    "SHARED_FOLDER",
    "TIMETABLE_FILE",
    "TODO_MARK",
    "DataProblem",
    "ParsedFiles",
    "Problems",
    "StrategyDataError",
    "YamlFile",
    "load_document",
    "load_edition",
    "load_partnership",
    "load_site",
    "read_yaml",
    "todo_markers",
]
