"""Property-based tests: the loader and the model, fed random and mutated YAML built from the
real data, end each run in a valid model or a clean error.

Every example changes a copy of the real `strategy_data/` (a file rewritten, damaged, added or
removed, a folder added), loads it with `load_site`, and puts the copy back as it was. The
property: `load_site` returns a `Site`, or raises `StrategyDataError` whose every problem has a
message and names a file inside the data folder. Any other exception (KeyError, RecursionError,
a YAML error, pydantic's ValidationError ...) fails the test, and Hypothesis shrinks the input.

Budgets. The normal run (`pytest`, `make test`) uses the "ci" profile: a fixed seed
(`derandomize`) and a small number of examples per test, so CI is quick and repeatable.
`make fuzz` runs the "deep" profile (`FUZZ_PROFILE=deep`): many more examples at a random seed
(`--hypothesis-seed=N` fixes one). `FUZZ_EXAMPLES=N` sets the examples per test in either.

Each example loads one borough's copy (the borough, `shared/` and `timetable.yaml`): boroughs
are loaded independently, and a third of the data is three times as many examples a minute.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, currently_in_test_context, given, note, settings
from hypothesis import strategies as st

from conftest import DATA
from strategy_site.defaults import DEFAULTS
from strategy_site.loading import DataProblem, StrategyDataError, load_site
from strategy_site.model import APPENDIX_PAGE, PART_NAMES, TEMPLATES, Site
from strategy_site.publications import (
    EDITIONS_FOLDER,
    MANIFEST_FILE,
    PUBLISHED_FOLDER,
    data_sha256,
)

# --- budgets ------------------------------------------------------------------------------

_QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
          HealthCheck.large_base_example]
settings.register_profile(
    "fuzz-ci", max_examples=80, derandomize=True, deadline=None, database=None,
    suppress_health_check=_QUIET, print_blob=False)
settings.register_profile(
    "fuzz-deep", max_examples=2000, derandomize=False, deadline=None, database=None,
    suppress_health_check=_QUIET, print_blob=True)

PROFILE = os.environ.get("FUZZ_PROFILE", "ci")
if PROFILE not in ("ci", "deep"):
    raise ValueError(f"FUZZ_PROFILE must be 'ci' or 'deep', not {PROFILE!r}")
FUZZ = settings(settings.get_profile(f"fuzz-{PROFILE}"))
if os.environ.get("FUZZ_EXAMPLES"):
    FUZZ = settings(FUZZ, max_examples=int(os.environ["FUZZ_EXAMPLES"]))


# --- the real data, read by a fixture ------------------------------------------------------

LONDON_DEFINITION = (DEFAULTS / "shared" / "london-definition.yaml").read_bytes()
"""The shared definition the package ships, as a shared file a data folder may hold."""


@dataclass(frozen=True)
class RealDocument:
    """A document of the real data: its folder, files, page names and editions' fingerprints."""

    folder: str
    borough: str
    files: tuple[str, ...]
    pages: tuple[str, ...]
    editions: dict[str, str]  # edition -> data_sha256


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {str(k) for k in value} | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _scalars(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return [value]


@dataclass(frozen=True, eq=False, repr=False)
class RealData:
    """The real strategy_data/ as the examples change it, and the values drawn from it. Read
    by the `real` fixture, not at import: collecting the tests loads nothing, and data the
    loader refuses fails the tests that need it, not the collection."""

    yaml_files: list[str]
    """Every YAML file of the real data, as a path under strategy_data/."""
    raw: dict[str, bytes]
    parsed: dict[str, Any]
    boroughs: list[str]
    documents: list[RealDocument]

    def __repr__(self) -> str:
        """Short: Hypothesis prints the strategies drawn from it, with their arguments."""
        return f"RealData({len(self.yaml_files)} files)"

    @cached_property
    def strategy_files(self) -> list[str]:
        return [rel for rel in self.yaml_files if rel.endswith("/strategy.yaml")]

    @cached_property
    def diagram_files(self) -> list[str]:
        return [rel for rel in self.yaml_files if rel.endswith("/diagrams.yaml")]

    @cached_property
    def lines(self) -> list[bytes]:
        return sorted({line for rel in self.yaml_files
                       for line in self.raw[rel].splitlines(keepends=True)})

    @cached_property
    def field_names(self) -> list[str]:
        return sorted({k for doc in self.parsed.values() for k in _keys(doc)} | set(PART_NAMES))

    @cached_property
    def real_scalars(self) -> list[Any]:
        return sorted({repr(s): s for doc in self.parsed.values() for s in _scalars(doc)
                       if not isinstance(s, str) or len(s) < 200}.values(), key=repr)

    @cached_property
    def free_pages(self) -> list[str]:
        """The real free-form pages (listed in a strategy's `contents`)."""
        return [f"{d.folder}/{page}.yaml" for d in self.documents for page in d.pages
                if page not in PART_NAMES and page != APPENDIX_PAGE]

    @cached_property
    def name_pool(self) -> list[str]:
        return sorted({*PART_NAMES, APPENDIX_PAGE, *(p for d in self.documents for p in d.pages),
                       *(e for d in self.documents for e in d.editions), "index", "editions",
                       "key-dates", "published", "shared", "timetable"})

    @cached_property
    def main(self) -> dict[str, RealDocument]:
        return {document.folder: document for document in self.documents}

    # The values examples are drawn from (section "values" below).

    @cached_property
    def scalars(self) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.none(), st.booleans(), st.integers(), st.integers(-3, 12), st.floats(),
            st.dates(), st.datetimes(), st.text(max_size=20), st.sampled_from(ODD_TEXTS),
            control_text, long_text, st.sampled_from(self.real_scalars),
        )

    @cached_property
    def key_names(self) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.sampled_from(self.field_names),
            st.sampled_from(["TODO", "TODO: a key", "", "<<", "kind"]),
            st.text(max_size=12), st.integers(-2, 5), st.booleans(), st.none(), st.dates(),
        )

    @cached_property
    def odd_values(self) -> st.SearchStrategy[Any]:
        return st.one_of(
            self.scalars,
            st.lists(self.scalars, max_size=4),
            st.dictionaries(self.key_names, self.scalars, max_size=4),
            st.sampled_from(self.yaml_files).map(lambda rel: copy.deepcopy(self.parsed[rel])),
        )

    @cached_property
    def yaml_values(self) -> st.SearchStrategy[Any]:
        return st.recursive(
            self.scalars, lambda children: st.lists(children, max_size=4)
            | st.dictionaries(self.key_names, children, max_size=5), max_leaves=30)

    @cached_property
    def folder_names(self) -> st.SearchStrategy[str]:
        return st.one_of(
            st.sampled_from(["new-borough", "Upper-Case", "with space", "ünïcödé", "-x", "x-",
                             "a--b", "2024", "_private", ".hidden", "a" * 200, "bexley",
                             *self.name_pool]),
            st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True),
            st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1,
                    max_size=16)
            .filter(lambda name: name not in (".", "..") and len(name.encode()) < 200),
        )

    @cached_property
    def snippets(self) -> st.SearchStrategy[bytes]:
        return st.one_of(
            st.sampled_from(NASTY),
            st.binary(min_size=1, max_size=8),
            st.text(min_size=1, max_size=8).map(lambda t: t.encode("utf-8")),
            st.sampled_from(self.lines),
            st.builds(_nesting, st.one_of(st.integers(1, 3000),
                                          st.sampled_from([300, 1000, 5000])),
                      st.sampled_from(["[", "{", "-"])),
            st.builds(alias_bomb, st.integers(2, 5), st.integers(1, 5)),
            st.builds(lambda n: b"x" * n, st.integers(1000, 100_000)),
        )

    @cached_property
    def whole_files(self) -> st.SearchStrategy[bytes]:
        return st.one_of(
            st.sampled_from(WHOLE_FILES),
            self.snippets,
            st.builds(lambda d, k: b"x: " + _nesting(d, k) + b"\n", st.integers(1, 3000),
                      st.sampled_from(["[", "{"])),
        )

    @cached_property
    def file_contents(self) -> st.SearchStrategy[bytes]:
        return st.one_of(
            st.sampled_from(self.yaml_files).map(lambda rel: self.raw[rel]),
            self.yaml_values.map(_dump), st.just(b""), st.binary(max_size=64))


def read_real_data(data: Path) -> RealData:
    """Read and load the real data folder."""
    yaml_files = sorted(p.relative_to(data).as_posix() for p in data.rglob("*.yaml"))
    raw = {rel: (data / rel).read_bytes() for rel in yaml_files}
    site = load_site(data)
    definitions = dict(site.definitions)
    documents = [
        RealDocument(
            folder=doc.home, borough=doc.folder,
            files=tuple(rel for rel in yaml_files if rel.rsplit("/", 1)[0] == doc.home),
            pages=tuple(doc.latest.page_names()),
            editions={s.identity.edition: data_sha256(s, definitions) for s in doc.editions})
        for doc in site.documents
    ]
    return RealData(
        yaml_files=yaml_files, raw=raw,
        parsed={rel: yaml.safe_load(raw[rel].decode("utf-8")) for rel in yaml_files},
        boroughs=sorted(p.name for p in data.iterdir() if p.is_dir() and p.name != "shared"),
        documents=documents)


@pytest.fixture(scope="module")
def real() -> RealData:
    return read_real_data(DATA)


# --- changes to a copy of the data, undone after each example -------------------------------


@dataclass(frozen=True)
class Mutation:
    """A change to one borough's copy of the data: what it is, said for the report."""

    borough: str
    what: str
    writes: tuple[tuple[str, bytes], ...] = ()
    """(path under strategy_data/, the file's new bytes)"""
    copies: tuple[tuple[str, str], ...] = ()
    """(real file or folder under strategy_data/, where its copy goes)"""
    deletes: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    """(path under strategy_data/, what the symbolic link there points at)"""

    def __repr__(self) -> str:
        parts = [f"borough={self.borough!r}", f"what={self.what!r}"]
        for path, content in self.writes:
            shown = content if len(content) <= 400 else content[:400] + b"..."
            parts.append(f"write {path} ({len(content)} bytes): {shown!r}")
        parts += [f"copy {source} to {target}" for source, target in self.copies]
        parts += [f"delete {path}" for path in self.deletes]
        parts += [f"link {path} -> {target}" for path, target in self.links]
        return "Mutation(" + ", ".join(parts) + ")"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """How Hypothesis prints a failing example: this repr, not every byte."""
        printer.text(repr(self))


@dataclass
class _Undo:
    """What to put back: files as they were, and paths that did not exist."""

    saved: dict[Path, bytes] = field(default_factory=dict)
    created: list[Path] = field(default_factory=list)

    def track(self, path: Path) -> None:
        new = None
        for candidate in (path, *path.parents):
            if os.path.lexists(candidate):
                break
            new = candidate
        if new is not None:
            if not any(new == c or c in new.parents for c in self.created):
                self.created.append(new)
        elif path.is_file() and path not in self.saved:
            self.saved[path] = path.read_bytes()

    def write(self, path: Path, content: bytes) -> None:
        self.track(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    def restore(self) -> None:
        for path in reversed(self.created):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif os.path.lexists(path):
                path.unlink()
        self.created.clear()
        for path, content in self.saved.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        self.saved.clear()


class Workspaces:
    """One copy of the real data per borough: `shared/`, `timetable.yaml` and the borough."""

    def __init__(self, root: Path, real: RealData) -> None:
        self.root = root
        self.real = real
        for borough in real.boroughs:
            data = self.data_dir(borough)
            data.mkdir(parents=True)
            shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
            shutil.copytree(DATA / borough, data / borough)
            (data.parent / "outside.pdf").write_bytes(b"%PDF-1.7 outside the data folder")

    def data_dir(self, borough: str) -> Path:
        return self.root / borough / "strategy_data"

    @contextmanager
    def applied(self, mutation: Mutation) -> Iterator[Path]:
        data = self.data_dir(mutation.borough)
        undo = _Undo()
        try:
            for target in mutation.deletes:
                undo.track(data / target)
                (data / target).unlink()
            for source, target in mutation.copies:
                origin = DATA / source
                files = sorted(p for p in origin.rglob("*") if p.is_file()) \
                    if origin.is_dir() else [origin]
                for path in files:
                    undo.write(data / target / path.relative_to(origin) if origin.is_dir()
                               else data / target, path.read_bytes())
            for target, content in mutation.writes:
                undo.write(data / target, content)
            for target, points_at in mutation.links:
                undo.track(data / target)
                (data / target).parent.mkdir(parents=True, exist_ok=True)
                (data / target).symlink_to(points_at)
            yield data
        finally:
            undo.restore()

    def pristine(self) -> list[str]:
        """Every difference between the copies and the real data (none, if all was undone)."""
        differences = []
        real = self.real
        for borough in real.boroughs:
            data = self.data_dir(borough)
            have = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()}
            want = {rel for rel in real.yaml_files if rel.split("/")[0] in (borough, "shared")
                    or rel == "timetable.yaml"}
            differences += [f"{borough}: {rel} extra" for rel in sorted(have - want)]
            differences += [f"{borough}: {rel} missing" for rel in sorted(want - have)]
            differences += [f"{borough}: {rel} changed" for rel in sorted(have & want)
                            if (data / rel).read_bytes() != real.raw[rel]]
        return differences


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory, real: RealData) -> Workspaces:
    return Workspaces(tmp_path_factory.mktemp("fuzz"), real)


# --- the property -------------------------------------------------------------------------


def _full(file: Path, data_dir: Path) -> Path:
    """A problem's file as a full path (problems name files from the data folder's parent)."""
    return Path(os.path.normpath(file if file.is_absolute() else data_dir.parent / file))


def _inside(file: Path, data_dir: Path) -> bool:
    full = _full(file, data_dir)
    return full == data_dir or data_dir in full.parents


def load_cleanly(workspaces: Workspaces, mutation: Mutation) -> Site | StrategyDataError:
    """Load the changed data: a Site, or a StrategyDataError that says what and where (the one
    it ended in is returned)."""
    for path, content in mutation.writes:
        if currently_in_test_context() and len(content) <= 4000:
            note(f"{path}:\n{content.decode('utf-8', 'backslashreplace')}")
    with workspaces.applied(mutation) as data_dir:
        try:
            site = load_site(data_dir)
        except StrategyDataError as error:
            assert error.problems, "StrategyDataError without a problem"
            for problem in error.problems:
                assert isinstance(problem, DataProblem), problem
                assert isinstance(problem.message, str) and problem.message.strip(), problem
                assert isinstance(problem.file, Path) and _inside(problem.file, data_dir), (
                    f"problem placed outside the data folder: {problem}")
                assert problem.line is None or problem.line >= 1, problem
                assert str(problem)
            assert str(error)
            return error
        assert isinstance(site, Site)
        assert site.documents
        return site


# --- values ---------------------------------------------------------------------------------

ODD_TEXTS = [
    "", " ", "\t", "\n", "TODO", "TODO: write this", "todo", "<script>alert(1)</script>",
    "javascript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,x",
    "\u202eevil\u202c", "\u200b", "\ufeff", "\x00", "\x1b[31mred", "a\x00b", "\U0001f600",
    "null", "~", "yes", "no", "on", "0x1F", "0o17", "1e309", ".nan", "-.inf", "2024-02-30",
    "2024-01-31", "2024-01-31T10:00:00", "2024/2025", "2023/24", "£125,305", "<10", "< 10",
    "<-1", "<99999999999999999999", "-1", "0", "../../etc/passwd", "/etc/passwd",
    "C:\\Windows", "{{ 7*7 }}", "{% raw %}", "%s%n", "*a", "&a", "!!python/object:os.system",
    "---", "...", "# comment", "key: value", "- item", "[1, 2]", "{a: 1}", "'", '"', "\\",
    "london-serious-violence-duty", "free", "chart", "tree", "groups", "framework",
    "london-definition", "Foreword", "foreword", APPENDIX_PAGE,
]

control_text = st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Co", "Mn"]),
                       min_size=1, max_size=12)
long_text = st.builds(lambda n, word: word * n, st.integers(100, 20_000),
                      st.sampled_from(["x", "word ", "\u202e", "é", "- "]))


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else f"{shown[:77]}... ({len(shown)} chars)"


def _dump(value: Any, style: str = "block") -> bytes:
    if style == "flow":
        text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False,
                              default_flow_style=True, width=10_000)
    elif style == "canonical":
        text = yaml.safe_dump(value, canonical=True, allow_unicode=False)
    else:
        text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    return text.encode("utf-8")


def _borough_of(real: RealData, rel: str, draw: st.DrawFn) -> str:
    first = rel.split("/")[0]
    return first if first in real.boroughs else draw(st.sampled_from(real.boroughs))


# --- (1) structural mutations of a parsed document -------------------------------------------


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*at, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*at, index))
    return found


def _get(doc: Any, at: tuple[Any, ...]) -> Any:
    for part in at:
        doc = doc[part]
    return doc


def _set(doc: Any, at: tuple[Any, ...], value: Any) -> Any:
    if not at:
        return value
    _get(doc, at[:-1])[at[-1]] = value
    return doc


def _typos(key: Any) -> list[Any]:
    text = str(key)
    return [text.upper(), text[:-1], text + "s", text.replace("_", "-"), " " + text,
            text + " ", text[1:], text.capitalize(), f"TODO {text}"]


TREE_OPS = ["replace", "delete", "duplicate", "nest", "swap", "rename", "add", "empty"]


def mutate_tree(draw: st.DrawFn, real: RealData, doc: Any) -> tuple[Any, str]:
    """One change to a parsed YAML document; returns the document and what was done."""
    paths = _paths(doc)
    at = draw(st.sampled_from(paths))
    op = draw(st.sampled_from(TREE_OPS))
    target = _get(doc, at)
    parent: Any = _get(doc, at[:-1]) if at else None
    if op == "delete" and at:
        del parent[at[-1]]
        return doc, f"delete {at}"
    if op == "duplicate" and isinstance(target, list) and target:
        index = draw(st.integers(0, len(target) - 1))
        target.insert(index, copy.deepcopy(target[index]))
        return doc, f"duplicate {(*at, index)}"
    if op == "nest":
        key = draw(st.one_of(st.sampled_from(real.field_names), real.key_names))
        wrapped = draw(st.sampled_from([[target], {key: target}, [[target]], {key: [target]}]))
        return _set(doc, at, wrapped), f"nest {at} as {_short(wrapped)[:40]}"
    if op == "swap":
        other = draw(st.sampled_from(paths))
        if other[:len(at)] != at and at[:len(other)] != other:
            mine, theirs = copy.deepcopy(target), copy.deepcopy(_get(doc, other))
            doc = _set(_set(doc, at, theirs), other, mine)
            return doc, f"swap {at} and {other}"
    if op == "rename" and isinstance(parent, dict):
        new = draw(st.one_of(st.sampled_from(_typos(at[-1])), real.key_names))
        renamed = {(new if key == at[-1] else key): value for key, value in parent.items()}
        return _set(doc, at[:-1], renamed), f"rename {at} to {new!r}"
    if op == "add" and isinstance(target, (dict, list)):
        value = draw(real.odd_values)
        if isinstance(target, dict):
            key = draw(real.key_names)
            target[key] = value
            return doc, f"add {key!r}: {_short(value)} at {at}"
        target.insert(draw(st.integers(0, len(target))), value)
        return doc, f"add {_short(value)} to {at}"
    if op == "empty":
        value = draw(st.sampled_from([[], {}, "", None]))
        return _set(doc, at, value), f"empty {at} to {value!r}"
    value = draw(real.odd_values)
    return _set(doc, at, value), f"replace {at} with {_short(value)}"


@st.composite
def structural_mutations(draw: st.DrawFn, real: RealData) -> Mutation:
    rel = draw(st.sampled_from(real.yaml_files))
    doc = copy.deepcopy(real.parsed[rel])
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        doc, step = mutate_tree(draw, real, doc)
        steps.append(step)
    style = draw(st.sampled_from(["block", "block", "flow", "canonical"]))
    return Mutation(_borough_of(real, rel, draw), f"{rel} ({style}): " + "; ".join(steps),
                    writes=((rel, _dump(doc, style)),))


# --- (2) textual mutations of the raw file --------------------------------------------------


def _nesting(depth: int, kind: str) -> bytes:
    opening, closing = {"[": (b"[", b"]"), "{": (b"{a: ", b"}"), "-": (b"- ", b"")}[kind]
    return opening * depth + b"x" + closing * depth


def alias_bomb(width: int, depth: int) -> bytes:
    """A billion-laughs document, kept small: width ** depth leaves at most."""
    lines = [b"l0: &l0 [" + b", ".join([b"lol"] * width) + b"]"]
    for level in range(1, depth + 1):
        items = b", ".join([b"*l%d" % (level - 1)] * width)
        lines.append(b"l%d: &l%d [%s]" % (level, level, items))
    return b"\n".join(lines) + b"\n"


NASTY = [
    b"\t", b"\x00", b"\xff", b"\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x80",
    b"\r", b"\r\n", b"\x85", b"\xe2\x80\xa8", b"\xe2\x80\xae", b"\x1b", b"\x7f", b"\x01",
    b": ", b"- ", b"---\n", b"...\n", b"#", b"&a ", b"*a", b"*undefined", b"|", b">", b"|-\n",
    b"{", b"}", b"[", b"]", b'"', b"'", b"\\", b"? ", b"<<: ", b"%YAML 1.1\n",
    b"%TAG ! tag:x,2000:\n", b"!!binary ", b"!!python/object:os.system ", b"!!timestamp ",
    b"!!bool ", b"!!int ", b"!!float ", b"!!null ", b"!!set ", b"!!omap ", b"!!pairs ",
    b"!!str ", b"!!map ", b"!!seq ", b"!!merge ", b"!foo ", b"!<tag:yaml.org,2002:bool> ",
    b"!!timestamp abc", b"!!bool zz", b"!!int zz", b"!!float zz", b"!!binary @@",
    b"!!timestamp 2024-13-45", b"!!omap [a]", b"!!pairs [1]", b"!!set [a]",
    b"&a [*a]", b"&a {x: *a}", b"&a {<<: *a}", b"&a [&b [*a, *b]]", b"<<: [*a]",
    b"TODO", b"<script>alert(1)</script>", b"javascript:alert(1)", b"2024-02-30",
]
WHOLE_FILES = [
    b"", b"\n", b"---", b"---\n---\n", b"...", b"# only a comment\n", b"~",
    b"&a [*a]\n", b"&a {x: *a}\n", b"&a {<<: *a}\n", b"- &a [*a]\n",
    b"x: &a [*a]\n", b"x: *undefined\n", b"\xef\xbb\xbf", b"\xff\xfe",
    b"!!timestamp abc\n", b"!!bool zz\n", b"x: !!binary '@'\n"]
"""Whole files that are not strategies."""

TAGS = [b"!!bool", b"!!int", b"!!float", b"!!null", b"!!timestamp", b"!!binary", b"!!str",
        b"!!set", b"!!omap", b"!!pairs", b"!!seq", b"!!map", b"!!merge", b"!!value", b"!foo",
        b"!<tag:yaml.org,2002:int>", b"!!python/name:os.system", b"!!python/object/apply:os.system"]
TAGGED_VALUES = [b"abc", b"zz", b"", b"2024-13-45", b"2024-02-30", b"1e999", b"[a]", b"{a: 1}",
                 b"@@", b"0x", b"true", b"~"]

BYTE_OPS = ["insert", "delete", "replace", "truncate", "line-delete", "line-duplicate",
            "line-swap", "line-tab", "line-dedent", "line-indent", "line-insert", "bom",
            "append", "whole", "encoding", "line-endings", "tag"]


def mutate_bytes(draw: st.DrawFn, real: RealData, data: bytes) -> tuple[bytes, str]:
    """One change to a file's bytes; returns the bytes and what was done."""
    op = draw(st.sampled_from(BYTE_OPS))
    lines = data.splitlines(keepends=True)
    if op == "insert":
        at, snippet = draw(st.integers(0, len(data))), draw(real.snippets)
        return data[:at] + snippet + data[at:], f"insert {_short(snippet)} at byte {at}"
    if op == "delete" and data:
        at, size = draw(st.integers(0, len(data) - 1)), draw(st.integers(1, 64))
        return data[:at] + data[at + size:], f"delete {size} bytes at byte {at}"
    if op == "replace" and data:
        at, size, snippet = (draw(st.integers(0, len(data) - 1)), draw(st.integers(1, 16)),
                             draw(real.snippets))
        return (data[:at] + snippet + data[at + size:],
                f"replace {size} bytes at byte {at} with {_short(snippet)}")
    if op == "truncate":
        at = draw(st.integers(0, len(data)))
        return data[:at], f"truncate at byte {at}"
    if op.startswith("line-") and op != "line-endings" and lines:
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        if op == "line-delete":
            del lines[index]
        elif op == "line-duplicate":
            lines.insert(index, line)
        elif op == "line-swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], line
        elif op == "line-tab":
            lines[index] = b"\t" + line.lstrip(b" ")
        elif op == "line-dedent":
            lines[index] = line.lstrip(b" ")
        elif op == "line-indent":
            lines[index] = b" " * draw(st.integers(1, 4)) + line
        else:
            new = draw(real.snippets)
            lines.insert(index, new if new.endswith(b"\n") else new + b"\n")
        return b"".join(lines), f"{op} at line {index + 1}"
    if op == "bom":
        bom = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
        return bom + data, f"start with {bom!r}"
    if op == "append":
        tail = draw(st.one_of(real.snippets, st.builds(alias_bomb, st.integers(2, 5),
                                                  st.integers(1, 5))))
        return data + b"\n" + tail, f"append {_short(tail)}"
    if op == "whole":
        whole = draw(real.whole_files)
        return whole, f"replace the file with {_short(whole)}"
    if op == "encoding":
        codec = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"]))
        text = data.decode("utf-8", "replace")
        return text.encode(codec, "replace"), f"encode as {codec}"
    if op == "tag":
        # A value given an explicit YAML tag: `key: !!bool maybe`, `published: !!timestamp x`.
        keyed = [i for i, line in enumerate(lines) if b": " in line]
        if keyed:
            index = draw(st.sampled_from(keyed))
            key, _, value = lines[index].partition(b": ")
            tag = draw(st.sampled_from(TAGS))
            value = draw(st.one_of(st.just(value.rstrip(b"\r\n")), st.sampled_from(TAGGED_VALUES)))
            lines[index] = key + b": " + tag + b" " + value + b"\n"
            return b"".join(lines), f"tag line {index + 1} as {lines[index]!r}"
    if op == "line-endings":
        ending = draw(st.sampled_from([b"\r\n", b"\r", b"\x85", "\u2028".encode()]))
        return data.replace(b"\n", ending), f"line endings {ending!r}"
    at, snippet = draw(st.integers(0, len(data))), draw(real.snippets)
    return data[:at] + snippet + data[at:], f"insert {_short(snippet)} at byte {at}"


@st.composite
def textual_mutations(draw: st.DrawFn, real: RealData) -> Mutation:
    rel = draw(st.sampled_from(real.yaml_files))
    data = real.raw[rel]
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        data, step = mutate_bytes(draw, real, data)
        steps.append(step)
    return Mutation(_borough_of(real, rel, draw), f"{rel}: " + "; ".join(steps),
                    writes=((rel, data),))


# --- (3) whole random YAML documents --------------------------------------------------------


@st.composite
def random_documents(draw: st.DrawFn, real: RealData) -> Mutation:
    rel = draw(st.sampled_from(real.yaml_files))
    parsed = real.parsed[rel]
    if isinstance(parsed, dict) and draw(st.booleans()):
        # The file's own keys with random values: validation goes deeper than "unknown field".
        keys = draw(st.lists(st.sampled_from(sorted(parsed, key=str)), unique=True))
        value: Any = {key: draw(real.yaml_values) for key in keys}
    else:
        value = draw(real.yaml_values)
    if draw(st.booleans()):
        # As a file the folder does not have yet, named like a part.
        folder = rel.rsplit("/", 1)[0] if "/" in rel else draw(st.sampled_from(real.boroughs))
        rel = f"{folder}/{draw(st.sampled_from(sorted(PART_NAMES)))}.yaml"
    style = draw(st.sampled_from(["block", "flow", "canonical"]))
    return Mutation(_borough_of(real, rel, draw), f"{rel} ({style}): random YAML {_short(value)}",
                    writes=((rel, _dump(value, style)),))


# --- (4) contents and template, diagram kinds, unknown files and folders, editions, records --


@st.composite
def contents_and_template(draw: st.DrawFn, real: RealData) -> Mutation:
    rel = draw(st.sampled_from(real.strategy_files))
    doc = copy.deepcopy(real.parsed[rel])
    folder = rel.rsplit("/", 1)[0]
    steps = []
    names = st.one_of(st.sampled_from(real.name_pool), real.folder_names, real.scalars,
                      st.just("a" * 300), st.just("../foreword"), st.just("foreword.yaml"))
    listed = list(doc.get("contents") or [])
    how = draw(st.sampled_from(["new", "remove", "duplicate", "insert", "shuffle", "value",
                                "delete", "keep"]))
    if how == "new":
        doc["contents"] = draw(st.lists(names, max_size=12))
    elif how == "remove" and listed:
        del listed[draw(st.integers(0, len(listed) - 1))]
        doc["contents"] = listed
    elif how == "duplicate" and listed:
        listed.append(draw(st.sampled_from(listed)))
        doc["contents"] = listed
    elif how in ("insert", "remove", "duplicate"):
        listed.insert(draw(st.integers(0, len(listed))), draw(names))
        doc["contents"] = listed
    elif how == "shuffle":
        doc["contents"] = draw(st.permutations(listed))
    elif how == "value":
        doc["contents"] = draw(real.odd_values)
    elif how == "delete":
        doc.pop("contents", None)
    steps.append(f"contents {how}: {_short(doc.get('contents'))}")
    template = draw(st.one_of(
        st.just("keep"), st.just("delete"),
        st.sampled_from([*TEMPLATES, "London", "free ", "", "serious-violence-duty"]),
        real.scalars))
    if template == "delete":
        doc.pop("template", None)
    elif template != "keep":
        doc["template"] = template
    steps.append(f"template {_short(template)}")
    writes = [(rel, _dump(doc))]
    if draw(st.booleans()):
        # Give some listed names a file: a real part of that name, or a real free-form page.
        for name in sorted({n for n in (doc.get("contents") or []) if isinstance(n, str)}) \
                if isinstance(doc.get("contents"), list) else ():
            if 0 < len(name.encode()) < 200 and "/" not in name and "\x00" not in name \
                    and name not in (".", ".."):
                source = next((r for r in real.yaml_files if r.endswith(f"/{name}.yaml")),
                              real.free_pages[0])
                if not (DATA / folder / f"{name}.yaml").exists():
                    writes.append((f"{folder}/{name}.yaml", real.raw[source]))
        steps.append("with files for the names")
    return Mutation(_borough_of(real, rel, draw), f"{rel}: " + "; ".join(steps),
                    writes=tuple(writes))


DIAGRAM_KINDS = ["tree", "groups", "framework", "chart", "Chart", "", "table", "bar", None, 1,
                 ["chart"], {"chart": 1}, "TODO"]
DIAGRAM_OPS = ["kind", "drop-kind", "merge", "drop-field", "chart", "duplicate-id", "rename-id",
               "remove", "foreign", "values", "totals", "not-a-list"]


@st.composite
def diagram_mutations(draw: st.DrawFn, real: RealData) -> Mutation:
    without = [d for d in real.documents if f"{d.folder}/diagrams.yaml" not in real.yaml_files]
    if without and draw(st.integers(0, 9)) == 0:
        # A diagrams.yaml where a document has none: every diagram placed nowhere.
        source = draw(st.sampled_from(real.diagram_files))
        document = draw(st.sampled_from(without))
        return Mutation(document.borough, f"copy {source} to {document.folder}",
                        copies=((source, f"{document.folder}/diagrams.yaml"),))
    rel = draw(st.sampled_from(real.diagram_files))
    doc = copy.deepcopy(real.parsed[rel])
    diagrams = doc["diagrams"]
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(DIAGRAM_OPS))
        index = draw(st.integers(0, len(diagrams) - 1)) if diagrams else 0
        diagram = diagrams[index] if diagrams and isinstance(diagrams[index], dict) else None
        if diagram is None:
            diagrams.append(copy.deepcopy(real.parsed[rel]["diagrams"][0]))
            steps.append("append the first diagram again")
        elif op == "kind":
            diagram["kind"] = draw(st.sampled_from(DIAGRAM_KINDS))
        elif op == "drop-kind":
            diagram.pop("kind", None)
        elif op == "merge":
            other = draw(st.sampled_from([d for r in real.diagram_files
                                          for d in real.parsed[r]["diagrams"]]))
            diagram.update({k: copy.deepcopy(v) for k, v in other.items()
                            if k not in ("id", "kind")})
        elif op == "drop-field" and diagram:
            diagram.pop(draw(st.sampled_from(sorted(diagram, key=str))), None)
        elif op == "chart":
            diagram[draw(st.sampled_from(["chart", "layout", "totals", "prefix"]))] = draw(
                st.one_of(st.sampled_from(["bar", "line", "pie", "grouped", "stacked"]),
                          real.scalars))
        elif op == "duplicate-id":
            diagrams.append(copy.deepcopy(diagram))
        elif op == "rename-id":
            diagram["id"] = draw(st.one_of(st.sampled_from(["x", "Bad Id", "", "-"]), real.scalars))
        elif op == "remove":
            del diagrams[index]
        elif op == "foreign":
            diagrams.append(copy.deepcopy(draw(st.sampled_from(
                [d for r in real.diagram_files if r != rel for d in real.parsed[r]["diagrams"]]))))
        elif op == "values":
            for series in diagram.get("series") or []:
                if isinstance(series, dict) and isinstance(series.get("values"), list):
                    series["values"] = series["values"][:draw(st.integers(0, 4))] + draw(
                        st.lists(st.one_of(st.sampled_from(["<10", "< 5", "<x", "<-1"]),
                                           real.scalars), max_size=2))
        elif op == "totals":
            diagram["totals"] = draw(real.scalars)
        elif op == "not-a-list":
            doc["diagrams"] = draw(st.sampled_from([{"0": diagram}, diagram, None, "chart"]))
            steps.append(op)
            break
        steps.append(f"{op} on diagram {index + 1}")
    return Mutation(_borough_of(real, rel, draw), f"{rel}: " + "; ".join(steps),
                    writes=((rel, _dump(doc)),))


ODD_FILE_NAMES = ["README.md", "notes.txt", "foreword.yml", "Foreword.yaml", "foreword.YAML",
                  ".hidden.yaml", "strategy.yaml~", ".DS_Store", MANIFEST_FILE, "diagrams.yaml",
                  "index.yaml", "key-dates.yaml", f"{APPENDIX_PAGE}.yaml", "a" * 200 + ".yaml"]


@st.composite
def unknown_files_and_folders(draw: st.DrawFn, real: RealData) -> Mutation:
    document = draw(st.sampled_from(real.documents))
    borough = document.borough
    kind = draw(st.sampled_from(["file", "document", "borough", "shared", "delete",
                                 "not-a-folder", "folder-for-file", "link"]))
    if kind == "file":
        name = draw(st.one_of(st.sampled_from(ODD_FILE_NAMES),
                              st.sampled_from(sorted(PART_NAMES)).map(lambda n: n + ".yaml"),
                              real.folder_names.map(lambda n: n + ".yaml")))
        content = draw(real.file_contents)
        return Mutation(borough, f"new file {name} in {document.folder}",
                        writes=((f"{document.folder}/{name}", content),))
    if kind == "document":
        name = draw(st.one_of(st.sampled_from([*document.pages, *document.editions]),
                              real.folder_names))
        source = draw(st.sampled_from(real.documents))
        files = draw(st.lists(st.sampled_from(source.files), unique=True, min_size=1)) \
            if draw(st.booleans()) else list(source.files)
        copies = tuple((rel, f"{borough}/{name}/{rel.rsplit('/', 1)[1]}") for rel in files)
        return Mutation(borough, f"new document folder {borough}/{name} from {source.folder}",
                        copies=copies)
    if kind == "borough":
        name = draw(real.folder_names)
        source = draw(st.sampled_from(real.documents))
        whole = draw(st.booleans())
        copies = ((source.borough, name),) if whole else tuple(
            (rel, f"{name}/{rel.rsplit('/', 1)[1]}") for rel in source.files)
        return Mutation(borough, f"new borough folder {name!r} from {source.folder}",
                        copies=copies)
    if kind == "shared":
        name = draw(real.folder_names)
        content = draw(st.one_of(st.just(LONDON_DEFINITION), real.file_contents))
        return Mutation(borough, f"new shared definition {name}.yaml",
                        writes=((f"shared/{name}.yaml", content),))
    if kind == "delete":
        rel = draw(st.sampled_from([r for r in real.yaml_files
                                    if r.split("/")[0] in (borough, "shared")
                                    or r == "timetable.yaml"]))
        return Mutation(borough, f"delete {rel}", deletes=(rel,))
    if kind == "not-a-folder":
        name = draw(st.sampled_from([EDITIONS_FOLDER, PUBLISHED_FOLDER, "new-document"]))
        return Mutation(borough, f"a file named {name} in {document.folder}",
                        writes=((f"{document.folder}/{name}", draw(real.file_contents)),))
    if kind == "folder-for-file":
        name = draw(st.sampled_from(["strategy.yaml", "diagrams.yaml", MANIFEST_FILE,
                                     "foreword.yaml"]))
        target = f"{borough}/new-document" if draw(st.booleans()) else document.folder
        writes = [(f"{target}/{name}/x.yaml", b"x: 1\n")]
        deletes = (f"{target}/{name}",) if (DATA / target / name).is_file() else ()
        copies = () if target == document.folder else tuple(
            (rel, f"{target}/{rel.rsplit('/', 1)[1]}") for rel in document.files
            if not rel.endswith("/" + name))
        return Mutation(borough, f"a folder named {name} in {target}", copies=copies,
                        writes=tuple(writes), deletes=deletes)
    # Symbolic links: dangling, to themselves, a folder to its own parent.
    name, points_at = draw(st.sampled_from([
        ("foreword.yaml", "nowhere.yaml"), ("loop.yaml", "loop.yaml"),
        ("diagrams.yaml", "missing/diagrams.yaml"), ("again", "."), ("up", ".."),
        (EDITIONS_FOLDER, "."), ("foreword.yaml", "/dev/null")]))
    path = f"{document.folder}/{name}"
    deletes = (path,) if (DATA / path).is_file() else ()
    return Mutation(borough, f"symbolic link {path} -> {points_at}", deletes=deletes,
                    links=((path, points_at),))


@st.composite
def edition_folders(draw: st.DrawFn, real: RealData) -> Mutation:
    document = draw(st.sampled_from(real.documents))
    strategy = real.parsed[f"{document.folder}/strategy.yaml"]
    current = str(strategy["edition"])
    name = draw(st.one_of(
        st.sampled_from(["2019", "2020-2023", "2023", current, *document.pages, "index"]),
        real.folder_names))
    edition = draw(st.one_of(st.just(name), st.sampled_from(["2019", "2020 – 2023", current]),
                             real.scalars))
    published = draw(st.one_of(st.dates(), st.just("absent"), real.scalars))
    old = copy.deepcopy(strategy)
    old["edition"] = edition
    if published == "absent":
        old.pop("published", None)
    else:
        old["published"] = published
    if draw(st.integers(0, 3)) == 0:
        old["amendments"] = draw(st.lists(st.fixed_dictionaries(
            {"date": st.one_of(st.dates(), real.scalars), "reason": real.scalars}), max_size=3))
    steps = [f"edition {_short(edition)}", f"published {_short(published)}"]
    if draw(st.integers(0, 2)) == 0:
        old, step = mutate_tree(draw, real, old)
        steps.append(step)
    target = f"{document.folder}/{EDITIONS_FOLDER}/{name}"
    copies = tuple((rel, f"{target}/{rel.rsplit('/', 1)[1]}") for rel in document.files
                   if not rel.endswith("/strategy.yaml"))
    writes = [(f"{target}/strategy.yaml", _dump(old))]
    if draw(st.integers(0, 5)) == 0:
        writes.append((f"{target}/{MANIFEST_FILE}", _dump({"records": []})))
        steps.append("with a published.yaml of its own")
    if draw(st.integers(0, 5)) == 0:
        writes.append((f"{target}/{EDITIONS_FOLDER}/x/strategy.yaml", _dump(old)))
        steps.append("with editions of its own")
    return Mutation(document.borough, f"earlier edition {target}: " + "; ".join(steps),
                    copies=copies, writes=tuple(writes))


PDF = b"%PDF-1.7 fuzz"
OUTSIDE_PDF = b"%PDF-1.7 outside the data folder"
PDF_PATHS = [f"{PUBLISHED_FOLDER}/kept.pdf", PUBLISHED_FOLDER, "strategy.yaml",
             "../../outside.pdf", "/dev/null", ".", "a" * 300 + ".pdf",
             f"{PUBLISHED_FOLDER}/" + "a" * 250 + "/x.pdf", "x\x00.pdf", "missing.pdf"]


def _record(real: RealData, document: RealDocument, edition: str, pdf: str) -> dict[str, Any]:
    """A record of an edition as `strategy-site publish` writes it: its data unchanged."""
    kept = {f"{PUBLISHED_FOLDER}/kept.pdf": PDF, "../../outside.pdf": OUTSIDE_PDF,
            "strategy.yaml": real.raw[f"{document.folder}/strategy.yaml"]}.get(pdf, b"")
    return {"edition": edition, "amendments": 0, "published": dt.date(2024, 1, 31),
            "recorded": dt.date(2024, 2, 1), "data_sha256": document.editions[edition],
            "pdf": pdf, "pdf_sha256": hashlib.sha256(kept).hexdigest()}


@st.composite
def published_records(draw: st.DrawFn, real: RealData) -> Mutation:
    """`published.yaml`: records that match the data (so the kept PDF is checked), then
    spoilt: a field of another value or type, a field missing or unknown, a fingerprint off."""
    document = draw(st.sampled_from(real.documents))
    path = f"{document.folder}/{MANIFEST_FILE}"
    if draw(st.integers(0, 5)) == 0:
        value = draw(real.yaml_values)
        return Mutation(document.borough, f"{path}: random YAML {_short(value)}",
                        writes=((path, _dump(value)),))
    records = []
    steps = []
    for number in range(draw(st.integers(1, 3))):
        edition = draw(st.sampled_from(sorted(document.editions)))
        record: dict[Any, Any] = _record(real, document, edition, draw(st.sampled_from(PDF_PATHS)))
        steps.append(f"record {number + 1}: {edition!r} kept as {_short(record['pdf'])}")
        for _ in range(draw(st.integers(0, 2))):
            how = draw(st.sampled_from(["value", "delete", "add", "fingerprint", "amendments"]))
            key = draw(st.sampled_from(sorted(record, key=str)))
            if how == "value":
                record[key] = draw(st.one_of(real.scalars, st.sampled_from(PDF_PATHS)))
                steps.append(f"{key} {_short(record[key])}")
            elif how == "delete":
                record.pop(key, None)
                steps.append(f"no {key}")
            elif how == "add":
                extra = draw(real.key_names)
                record[extra] = draw(real.scalars)
                steps.append(f"unknown {extra!r}")
            elif how == "fingerprint":
                key = draw(st.sampled_from(["data_sha256", "pdf_sha256"]))
                record[key] = draw(st.sampled_from(["0" * 64, "A" * 64, "f" * 63, ""]))
                steps.append(f"{key} {record[key]!r}")
            else:
                record["amendments"] = draw(st.integers(-1, 3))
                steps.append(f"amendments {record['amendments']}")
        records.append(record)
    writes = [(path, _dump({"records": records}))]
    if draw(st.integers(0, 3)) > 0:
        writes.append((f"{document.folder}/{PUBLISHED_FOLDER}/kept.pdf", PDF))
    return Mutation(document.borough, f"{path}: " + "; ".join(steps), writes=tuple(writes))


# --- inputs that once broke the loader, tried on every run ----------------------------------


def _with_contents(real: RealData, rel: str, contents: list[Any]) -> bytes:
    return _dump({**real.parsed[rel], "contents": contents})


def _manifest(real: RealData, document: RealDocument, pdf: str) -> bytes:
    return _dump({"records": [_record(real, document, sorted(document.editions)[0], pdf)]})


BD, BEXLEY = "barking-and-dagenham", "bexley"
FOREWORD = f"{BEXLEY}/foreword.yaml"
CONTENTS = f"{BEXLEY}/strategy.yaml"


def _title(real: RealData, value: bytes) -> bytes:
    """Bexley's foreword with its title given as `value`: every other field as it is, so a
    refusal can only be the title's."""
    raw = real.raw[FOREWORD]
    assert raw.count(b"\ntitle: Foreword\n") == 1
    return raw.replace(b"\ntitle: Foreword\n", b"\ntitle: " + value + b"\n")


def _listed(real: RealData, *names: str) -> bytes:
    """Bexley's strategy.yaml with `names` added to its real `contents`."""
    return _with_contents(real, CONTENTS, [*real.parsed[CONTENTS]["contents"], *names])


@dataclass(frozen=True)
class Known:
    """An input that once broke the loader, and what the loader must do with it now."""

    file: str
    content: Callable[[RealData], bytes]
    refused: str | None
    """Part of the message of a problem naming `file` that refuses it; None: it loads."""


def _just(content: bytes) -> Callable[[RealData], bytes]:
    return lambda real: content


def _inserted(content: bytes, at: int, inserted: bytes) -> bytes:
    return content[:at] + inserted + content[at:]


ALIAS = "found a YAML alias (*name) or merge (<<), which strategy files do not use"
NOT_UTF8 = "expected UTF-8 text, found the byte"
TOO_DEEP = "its lists or blocks are nested hundreds of levels deep"
KNOWN = {
    "NUL byte": Known(FOREWORD, lambda real: real.raw[FOREWORD] + b"\x00",
                      "holds the character U+0000"),
    "control character": Known(FOREWORD, lambda real: _title(real, b"Fore\x01word"),
                               "foreword.yaml:2: this is not valid YAML: it holds the character "
                               "U+0001"),
    "UTF-16": Known(FOREWORD, lambda real: real.raw[FOREWORD].decode("utf-8").encode("utf-16"),
                    f"{NOT_UTF8} 0xFF"),
    "byte-order mark": Known(FOREWORD, lambda real: b"\xef\xbb\xbf" + real.raw[FOREWORD], None),
    "invalid UTF-8": Known(FOREWORD, lambda real: _inserted(real.raw[FOREWORD], 40, b"\xc3\x28"),
                           f"{NOT_UTF8} 0xC3"),
    "recursive alias": Known(FOREWORD, _just(b"&a [*a]\n"), ALIAS),
    "recursive alias in a block": Known(FOREWORD, lambda real: _title(real, b"&a {x: *a}"),
                                        f"foreword.yaml:2: field 'title.x': expected the value "
                                        f"written out in full; {ALIAS}"),
    # The merge is not reported as one: the title is refused as a block, not text.
    "recursive merge": Known(FOREWORD, lambda real: _title(real, b"&a {<<: *a}"),
                             "foreword.yaml:2: field 'title': expected text; found a block"),
    "alias bomb": Known(FOREWORD, _just(alias_bomb(5, 5)), ALIAS),
    "deep flow nesting": Known(FOREWORD, _just(_nesting(5000, "[")), TOO_DEEP),
    "deep block nesting": Known(FOREWORD, _just(_nesting(2000, "-")), TOO_DEEP),
    "a list as a key": Known(FOREWORD, _just(b"? [a]\n: 1\n"),
                             "expected a plain name before the colon, found a list or block"),
    # An explicit tag is not obeyed: the value stays the text written after it.
    "!!timestamp of no date": Known(FOREWORD, lambda real: _title(real, b"!!timestamp abc"), None),
    "!!bool of no boolean": Known(FOREWORD, lambda real: _title(real, b"!!bool maybe"), None),
    "!!int of no number": Known(FOREWORD, lambda real: _title(real, b"!!int zz"), None),
    "!!binary of no base64": Known(FOREWORD, lambda real: _title(real, b"!!binary '@'"),
                                   "foreword.yaml:2: field 'title': expected some text, found an "
                                   "empty value"),
    "a python tag": Known(FOREWORD,
                          lambda real: _title(real, b"!!python/object/apply:os.system [echo]"),
                          "foreword.yaml:2: field 'title': expected text; found a list"),
    "a very long line": Known(FOREWORD, lambda real: _title(real, b"x" * 200_000), None),
    "an empty file": Known(FOREWORD, _just(b""), "expected YAML content, found an empty file"),
    "a long name in contents": Known(
        CONTENTS, lambda real: _listed(real, "a" * 300),
        "field 'contents[12]': expected an identifier of at most 80 characters"),
    "a name in contents that is a path": Known(
        CONTENTS, lambda real: _listed(real, "../foreword"),
        "field 'contents[12]': expected an identifier of lower-case letters, digits and "
        "hyphens, like 'definition'; found the text '../foreword'"),
    "a shared definition named like no identifier": Known(
        "shared/Bad Name.yaml", _just(LONDON_DEFINITION),
        "expected a file name of lower-case letters, digits and hyphens"),
    # Dot files are not read at all.
    "a hidden shared definition": Known("shared/.hidden.yaml", _just(LONDON_DEFINITION), None),
    "a kept PDF with a name too long for the file system": Known(
        f"{BD}/{MANIFEST_FILE}", lambda real: _manifest(real, real.main[BD], "a" * 300 + ".pdf"),
        "field 'records[1].pdf': expected at most 120 characters"),
    "a kept PDF outside the data folder": Known(
        f"{BD}/{MANIFEST_FILE}", lambda real: _manifest(real, real.main[BD], "../../outside.pdf"),
        "field 'records[1].pdf': expected a value of the form ^published/"),
}


# --- the tests ------------------------------------------------------------------------------


def test_the_real_data_loads_in_every_copy(workspaces: Workspaces, real: RealData) -> None:
    for borough in real.boroughs:
        load_cleanly(workspaces, Mutation(borough, "unchanged"))
        site = load_site(workspaces.data_dir(borough))
        assert {d.folder for d in site.documents} == {borough}


@FUZZ
@given(data=st.data())
def test_structural_mutations(workspaces: Workspaces, real: RealData, data: st.DataObject) -> None:
    load_cleanly(workspaces, data.draw(structural_mutations(real), label="mutation"))


@FUZZ
@given(data=st.data())
def test_textual_mutations(workspaces: Workspaces, real: RealData, data: st.DataObject) -> None:
    load_cleanly(workspaces, data.draw(textual_mutations(real), label="mutation"))


@FUZZ
@given(data=st.data())
def test_random_yaml_documents(workspaces: Workspaces, real: RealData, data: st.DataObject) -> None:
    load_cleanly(workspaces, data.draw(random_documents(real), label="mutation"))


@FUZZ
@given(data=st.data())
def test_contents_and_template(workspaces: Workspaces, real: RealData, data: st.DataObject) -> None:
    load_cleanly(workspaces, data.draw(contents_and_template(real), label="mutation"))


@FUZZ
@given(data=st.data())
def test_diagram_kinds(workspaces: Workspaces, real: RealData, data: st.DataObject) -> None:
    load_cleanly(workspaces, data.draw(diagram_mutations(real), label="mutation"))


@FUZZ
@given(data=st.data())
def test_unknown_files_and_folders(workspaces: Workspaces, real: RealData,
                                   data: st.DataObject) -> None:
    load_cleanly(workspaces, data.draw(unknown_files_and_folders(real), label="mutation"))


@FUZZ
@given(data=st.data())
def test_earlier_editions(workspaces: Workspaces, real: RealData, data: st.DataObject) -> None:
    load_cleanly(workspaces, data.draw(edition_folders(real), label="mutation"))


@FUZZ
@given(data=st.data())
def test_published_records(workspaces: Workspaces, real: RealData, data: st.DataObject) -> None:
    load_cleanly(workspaces, data.draw(published_records(real), label="mutation"))


@pytest.mark.parametrize("case", KNOWN)
def test_known_breakages(workspaces: Workspaces, real: RealData, case: str) -> None:
    """Each input ends as it says: loaded, or refused with its message naming its file."""
    known = KNOWN[case]
    borough = known.file.split("/")[0] if known.file.split("/")[0] in real.boroughs else BEXLEY
    outcome = load_cleanly(
        workspaces, Mutation(borough, case, writes=((known.file, known.content(real)),)))
    if known.refused is None:
        assert isinstance(outcome, Site), outcome
        return
    assert isinstance(outcome, StrategyDataError), "loaded, but should be refused"
    data_dir = workspaces.data_dir(borough)
    mine = [str(problem) for problem in outcome.problems
            if _full(problem.file, data_dir) == data_dir / known.file]
    assert any(known.refused in message for message in mine), (known.refused, mine)


def test_every_change_was_undone(workspaces: Workspaces) -> None:
    """The copies are as the real data after all the examples: each saw only its own change."""
    assert workspaces.pristine() == []


_PROFILE_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from hypothesis import given, strategies as st
import test_fuzz
seen = []
@test_fuzz.FUZZ
@given(st.binary(min_size=16, max_size=16))
def probe(value):
    seen.append(value.hex())
probe()
print(json.dumps(seen))
"""


def _examples(**env: str) -> list[str]:
    """The examples a test decorated as these tests are gets, in a fresh interpreter with
    this environment (and no other FUZZ_ variable)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FUZZ_")}
    done = subprocess.run(
        [sys.executable, "-c", _PROFILE_PROBE, str(Path(__file__).parent)],
        env={**environment, **env}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    examples: list[str] = json.loads(done.stdout.splitlines()[-1])
    return examples


@pytest.mark.slow  # six fresh interpreters, one of 2000 examples
def test_the_profiles() -> None:
    """CI runs the same small budget every time; the deep profile runs far more, each time
    others; FUZZ_EXAMPLES sets the count in either."""
    ci = _examples()
    assert len(ci) == 80
    assert _examples() == ci
    assert len(_examples(FUZZ_EXAMPLES="5")) == 5
    deep = _examples(FUZZ_PROFILE="deep")
    assert len(deep) >= 10 * len(ci)
    assert _examples(FUZZ_PROFILE="deep", FUZZ_EXAMPLES="100") != \
        _examples(FUZZ_PROFILE="deep", FUZZ_EXAMPLES="100")
