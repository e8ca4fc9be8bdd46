"""Editors that know the format: every real and fixture data file validates against its kind's
JSON Schema (as an editor reads it), schema and loader agree on good and bad files, the schemas
the package ships are current, and `strategy-site new` points each file at its schema."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from conftest import DATA, FIXTURES, REPO, build_site
from strategy_site.cli import main
from strategy_site.defaults import DEFAULTS
from strategy_site.loading import StrategyDataError, load_site, read_yaml
from strategy_site.model.templates import TEMPLATES_FILE
from strategy_site.schema import (
    EDITOR_FOLDER,
    KINDS,
    PAGE,
    SITE_FOLDER,
    YAML_EXTENSION,
    editor_settings,
    kind_of,
    schema,
    schema_file,
    schema_text,
)

SHIPPED = REPO / "plugins" / "strategy_site" / "schemas"
MINIMAL = FIXTURES / "minimal"
DIAGRAMS = FIXTURES / "diagrams"
HEADER = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


@functools.cache
def validator(kind: str) -> Draft7Validator:
    Draft7Validator.check_schema(schema(kind))
    return Draft7Validator(schema(kind), format_checker=Draft7Validator.FORMAT_CHECKER)


def as_an_editor_reads(value: Any) -> Any:
    """A file's values as the YAML language server gives them to the schema: keys are text,
    and a date is text (YAML 1.2 has no dates), checked by the schema's `format: date`."""
    if isinstance(value, dict):
        return {str(key): as_an_editor_reads(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_an_editor_reads(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_errors(path: Path, data_dir: Path) -> list[str]:
    """What the schema of the file's kind says is wrong with it, by field path."""
    data = as_an_editor_reads(read_yaml(path, inside=data_dir).data)
    errors = validator(kind_of(path.relative_to(data_dir))).iter_errors(data)
    return [f"{'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in errors]


def data_folder(path: Path) -> Path:
    """The data folder a file of the repository's data or fixtures is in."""
    for folder in (DATA, DEFAULTS):
        if path.is_relative_to(folder):
            return folder
    return FIXTURES / path.relative_to(FIXTURES).parts[0]


STATUTORY_RULE = yaml.safe_load((DEFAULTS / "timetable.yaml").read_text("utf-8"))["rules"][0]
"""The package's first statutory rule, as a site's timetable.yaml would replace it."""

DATA_FILES = sorted([*DATA.rglob("*.yaml"), *FIXTURES.rglob("*.yaml"),
                     *(path for path in DEFAULTS.rglob("*.yaml")  # timetable and definitions
                       if path != TEMPLATES_FILE)])
"""Every file a data folder may hold; not the package's templates.yaml, which no council
writes (model/templates.py reads it, validated by its own model when the package loads)."""


def test_there_are_data_files_of_most_kinds() -> None:
    kinds = {kind_of(path.relative_to(data_folder(path))) for path in DATA_FILES}
    assert len(DATA_FILES) > 50
    assert set(KINDS) - kinds <= {"published"}, set(KINDS) - kinds  # no edition recorded yet


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_data_file_validates_against_its_schema(path: Path) -> None:
    assert schema_errors(path, data_folder(path)) == []


# --- schema and loader agree ---------------------------------------------------------------

Change = Callable[[Any], Any]


def _set(*at: str | int, value: Any) -> Change:
    def change(data: Any) -> Any:
        target = data
        for part in at[:-1]:
            target = target[part]
        target[at[-1]] = value
        return data
    return change


def _drop(*at: str | int) -> Change:
    def change(data: Any) -> Any:
        target = data
        for part in at[:-1]:
            target = target[part]
        del target[at[-1]]
        return data
    return change


FOREWORD = {"title": "Foreword", "body": "We will act.",
            "signatories": [{"name": "A. Leader", "roles": ["Chair"]}]}

CASES: list[tuple[str, Path, str, Change | None, bool]] = [
    ("unchanged", MINIMAL, "testshire/strategy.yaml", None, True),
    ("an optional field", MINIMAL, "testshire/strategy.yaml",
     _set("strapline", value="Safer together"), True),
    ("an optional part", MINIMAL, "testshire/foreword.yaml", lambda _: FOREWORD, True),
    ("pence", MINIMAL, "testshire/funding.yaml",
     _set("streams", 0, "items", 0, "amounts", "2024/2025", value=10.25), True),
    ("a chart's figure below a bound", DIAGRAMS, "diagramshire/diagrams.yaml",
     _set("diagrams", 3, "series", 0, "values", 0, value="< 5"), True),
    ("an amount as text", MINIMAL, "testshire/funding.yaml",
     _set("streams", 0, "items", 0, "amounts", "2024/2025", value="£1,000"), False),
    ("a negative amount", MINIMAL, "testshire/funding.yaml",
     _set("streams", 0, "items", 0, "amounts", "2024/2025", value=-5), False),
    ("a number in quotes", MINIMAL, "testshire/objectives.yaml",
     _set("objectives", 0, "number", value="1"), False),
    ("an unknown key", MINIMAL, "testshire/strategy.yaml", _set("auther", value="Me"), False),
    ("an unknown key in a block", MINIMAL, "testshire/strategy.yaml",
     _set("contact", "fax", value="020 7946 0000"), False),
    ("a missing required field", MINIMAL, "testshire/objectives.yaml",
     _drop("objectives", 0, "title"), False),
    ("a missing required part of a block", MINIMAL, "testshire/strategy.yaml",
     _drop("contact", "email"), False),
    ("a bad enum value", MINIMAL, "testshire/strategy.yaml",
     _set("template", value="london"), False),
    ("a bad diagram kind", DIAGRAMS, "diagramshire/diagrams.yaml",
     _set("diagrams", 0, "kind", value="pie"), False),
    ("an empty list", MINIMAL, "testshire/objectives.yaml", _set("objectives", value=[]), False),
    ("a list for a text", MINIMAL, "testshire/strategy.yaml",
     _set("title", value=["Serious", "Violence"]), False),
    ("an impossible date", MINIMAL, "testshire/strategy.yaml",
     _set("published", value="2025-02-30"), False),
    ("a date with a time", MINIMAL, "testshire/strategy.yaml",
     _set("published", value=dt.datetime(2025, 1, 31, 10, 0)), False),
    ("a title on two lines", MINIMAL, "testshire/strategy.yaml",
     _set("title", value="Serious Violence\nDuty Strategy"), False),
    ("empty text", MINIMAL, "testshire/strategy.yaml", _set("borough", value="  "), False),
    ("an identifier in capitals", MINIMAL, "testshire/review-dates.yaml",
     _set("elements", 0, "part", value="Introduction"), False),
    ("a name with the e-mail address", MINIMAL, "testshire/strategy.yaml",
     _set("contact", "email", value="CSP <csp@testshire.example>"), False),
    ("a chart's figure in words", DIAGRAMS, "diagramshire/diagrams.yaml",
     _set("diagrams", 3, "series", 0, "values", 0, value="about 50"), False),
    ("a withholding reason not in the Duty", MINIMAL, "testshire/objectives.yaml",
     _set("objectives", 0, "withhold", value={"reason": "embarrassing"}), False),
    ("a shared definition without its statement", MINIMAL, "shared/test-definition.yaml",
     lambda _: {"name": "Test", "source": "Home Office"}, False),
    ("a timetable rule without its id", DATA, "timetable.yaml", _set("rules", value=[
        {k: v for k, v in STATUTORY_RULE.items() if k != "id"}]), False),
    ("a timetable replacing a statutory rule", DATA, "timetable.yaml",
     _set("rules", value=[STATUTORY_RULE]), True),
    ("a record of an edition without its fingerprints", MINIMAL, "testshire/published.yaml",
     lambda _: {"records": [{"edition": "2025", "amendments": 0, "published": "2025-01-31",
                             "recorded": "2025-01-31", "pdf": "published/testshire.pdf"}]},
     False),
]


def _changed_copy(tmp_path: Path, source: Path, file: str, change: Change | None) -> Path:
    data_dir = tmp_path / "strategy_data"
    shutil.copytree(source, data_dir)
    path = data_dir / file
    if change is not None:
        path.parent.mkdir(exist_ok=True)
        before = yaml.safe_load(path.read_text("utf-8")) if path.exists() else None
        path.write_text(yaml.safe_dump(change(before), sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    return data_dir


@pytest.mark.parametrize(("source", "file", "change", "valid"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_schema_and_loader_agree(tmp_path: Path, source: Path, file: str,
                                 change: Change | None, valid: bool) -> None:
    data_dir = _changed_copy(tmp_path, source, file, change)
    said = schema_errors(data_dir / file, data_dir)
    try:
        load_site(data_dir)
        refused: list[str] = []
    except StrategyDataError as error:
        refused = [str(problem) for problem in error.problems]
    assert (said == [], refused == []) == (valid, valid), (said, refused)
    if not valid:  # the loader's messages name the same file
        assert all(problem.startswith(f"strategy_data/{file}") for problem in refused), refused


def test_rules_between_fields_are_left_to_the_loader(tmp_path: Path) -> None:
    """What a schema cannot say (objectives numbered 1, 2, 3) the loader says: the schema
    accepts every file the loader accepts, never the other way round."""
    file = "testshire/objectives.yaml"
    data_dir = _changed_copy(tmp_path, MINIMAL, file, _set("objectives", 0, "number", value=2))
    assert schema_errors(data_dir / file, data_dir) == []
    with pytest.raises(StrategyDataError, match="numbered 1, 2, 3"):
        load_site(data_dir)


# --- the schemas shipped, published and pointed at -----------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_a_draft_7_schema(kind: str) -> None:
    Draft7Validator.check_schema(schema(kind))
    assert schema(kind)["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_the_shipped_schemas_are_current() -> None:
    """`strategy-site schema plugins/strategy_site/schemas` regenerates them from the model."""
    assert sorted(path.name for path in SHIPPED.iterdir()) == sorted(map(schema_file, KINDS))
    stale = [kind for kind in KINDS
             if (SHIPPED / schema_file(kind)).read_text("utf-8") != schema_text(kind)]
    assert stale == [], "run `strategy-site schema plugins/strategy_site/schemas`"


def test_schemas_carry_the_models_help() -> None:
    """Hover help in the editor is the model's docstrings, for files, blocks and fields."""
    identity = schema("strategy")
    assert identity["description"].startswith("`strategy.yaml`: what the strategy is")
    assert identity["properties"]["record"]["description"].startswith("What has happened")
    assert identity["definitions"]["Contact"]["description"] == (
        "Who to contact about the strategy: a team, and perhaps a named officer.")
    chart = schema("diagrams")["definitions"]["ChartDiagram"]
    assert chart["description"].startswith("A bar or line chart")
    assert chart["properties"]["chart"]["enum"] == ["bar", "line"]


def test_schema_command_writes_every_schema(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", str(tmp_path / "out")]) == 0
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == sorted(map(schema_file, KINDS))
    assert capsys.readouterr().out.count(".schema.json\n") == len(KINDS)


def test_the_site_publishes_the_schemas(tmp_path: Path) -> None:
    site = build_site(tmp_path, MINIMAL, pdfs=False)
    published = sorted(path.name for path in (site.root / SITE_FOLDER).iterdir())
    assert published == sorted(map(schema_file, KINDS))
    assert (site.root / SITE_FOLDER / "funding.schema.json").read_bytes() == \
        (SHIPPED / "funding.schema.json").read_bytes()


@pytest.fixture
def site_repo(tmp_path: Path) -> Path:
    """A site repository with its timetable (the package gives the statutory rules and the
    shared definitions), and no borough yet."""
    data = tmp_path / "site" / "strategy_data"
    data.mkdir(parents=True)
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    return tmp_path / "site"


def test_new_points_every_file_at_its_schema(site_repo: Path) -> None:
    data = site_repo / "strategy_data"
    assert main(["new", "newham", "--name", "Newham", "--data", str(data)]) == 0
    files = sorted((data / "newham").glob("*.yaml"))
    assert len(files) == 10
    for path in files:
        text = path.read_text("utf-8")
        header = HEADER.match(text)
        assert header, f"{path.name} does not begin with its schema: {text[:80]!r}"
        target = (path.parent / header.group(1)).resolve()
        assert target == (site_repo / EDITOR_FOLDER / f"{path.stem}.schema.json").resolve()
        assert target.read_text("utf-8") == schema_text(path.stem)


def test_new_sets_up_vs_code(site_repo: Path) -> None:
    assert main(["new", "newham", "--name", "Newham",
                 "--data", str(site_repo / "strategy_data")]) == 0
    settings = json.loads((site_repo / ".vscode" / "settings.json").read_text("utf-8"))
    assert settings == editor_settings()
    extensions = json.loads((site_repo / ".vscode" / "extensions.json").read_text("utf-8"))
    assert extensions == {"recommendations": [YAML_EXTENSION]}
    for schema_path in settings["yaml.schemas"]:
        assert (site_repo / schema_path).is_file(), schema_path


def test_editor_keeps_a_councils_own_settings(site_repo: Path) -> None:
    vscode = site_repo / ".vscode"
    vscode.mkdir()
    (vscode / "settings.json").write_text(json.dumps(
        {"editor.wordWrap": "on", "yaml.schemas": {"other.json": "other/*.yaml"}}), "utf-8")
    (vscode / "extensions.json").write_text('{"recommendations": ["a.b"]}', "utf-8")
    assert main(["editor", str(site_repo)]) == 0
    settings = json.loads((vscode / "settings.json").read_text("utf-8"))
    assert settings["editor.wordWrap"] == "on"
    assert settings["yaml.schemas"]["other.json"] == "other/*.yaml"
    assert set(editor_settings()["yaml.schemas"]) < set(settings["yaml.schemas"])
    extensions = json.loads((vscode / "extensions.json").read_text("utf-8"))
    assert extensions["recommendations"] == ["a.b", YAML_EXTENSION]


def test_settings_give_each_file_of_the_data_its_own_schema(tmp_path: Path) -> None:
    """Each glob of `.vscode/settings.json` finds the files of its kind, and only those, in a
    copy of the repository's data; free-form pages are found by their header line alone."""
    shutil.copytree(DATA, tmp_path / "strategy_data")
    found: dict[Path, list[str]] = {}
    for schema_path, globs in editor_settings()["yaml.schemas"].items():
        kind = Path(schema_path).name.removesuffix(".schema.json")
        for glob in globs:
            for path in tmp_path.glob(glob):
                found.setdefault(path.relative_to(tmp_path / "strategy_data"), []).append(kind)
    for path in (tmp_path / "strategy_data").rglob("*.yaml"):
        relative = path.relative_to(tmp_path / "strategy_data")
        kind = kind_of(relative)
        assert found.get(relative, []) == ([] if kind == PAGE else [kind]), relative


def test_editor_leaves_settings_with_comments_as_they_are(
        site_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """VS Code allows comments in its settings; rewritten as JSON they would be lost."""
    vscode = site_repo / ".vscode"
    vscode.mkdir()
    own = '{\n  // the council\'s own\n  "editor.wordWrap": "on"\n}\n'
    (vscode / "settings.json").write_text(own, "utf-8")
    assert main(["editor", str(site_repo)]) == 0
    assert (vscode / "settings.json").read_text("utf-8") == own
    assert "settings.json is not plain JSON" in capsys.readouterr().err
    assert (site_repo / EDITOR_FOLDER / "strategy.schema.json").is_file()
