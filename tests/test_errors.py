"""Broken data stops the build with a message naming file, line and field, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import DATA, REPO, copy_data, make_project
from strategy_site.loading import StrategyDataError, load_site, read_yaml, yaml_lines

BD = "barking-and-dagenham"


@dataclass(frozen=True)
class Breakage:
    """A change to one file of the real data, and what the message must then say."""

    file: str
    old: str
    new: str
    field: str | None
    says: str
    marker: str | None = None  # the text on the line the message must point at; default `new`
    folder: str = BD
    exact: bool = False  # the message is `says` and nothing more


CASES = {
    "syntax error": Breakage(
        "funding.yaml", "years: [\"2022/2023\", \"2023/2024\"]", "years: [\"2022/2023\"",
        None, "this is not valid YAML: expected ',' or ']', but got '<scalar>' "
        "(while parsing a flow sequence that starts on line 4)", marker="chart:"),
    "tab indentation": Breakage(
        "foreword.yaml", "signatories:", "\tsignatories:", None, "never tabs"),
    "wrong type": Breakage(
        "objectives.yaml", "  - number: 3\n", "  - number: three\n",
        "objectives[3].number", "expected a whole number, like 3; found the text 'three'",
        marker="number: three"),
    "unknown key": Breakage(
        "foreword.yaml", "title: Foreword", "titel: Foreword", "titel",
        "unknown field 'titel' (did you mean 'title'?)"),
    "duplicate key": Breakage(
        "foreword.yaml", "signatories:", "title: Another Foreword\nsignatories:", "title",
        "this key appears twice in the same block (first on line 2)",
        marker="title: Another Foreword"),
    "missing field": Breakage(
        "foreword.yaml", "  - name: Councillor Syed Ghani\n    roles:", "  - roles:",
        "signatories[1].name", "required field 'name' is missing", marker="- roles:"),
    "impossible date": Breakage(
        "review-dates.yaml", "review_by: 2027-01-31", "review_by: 2027-02-30",
        "elements[1].review_by", "expected a real calendar date written as YYYY-MM-DD"),
    "text where an amount belongs": Breakage(
        "funding.yaml", '"2022/2023": 125305', '"2022/2023": "£125,305"',
        "streams[1].items[1].amounts.2022/2023",
        "expected an amount in pounds written as a plain number"),
    "negative amount": Breakage(
        "funding.yaml", '"2023/2024": 7000', '"2023/2024": -7000',
        "streams[1].items[2].amounts.2023/2024", "expected an amount of zero or more"),
    "year not in the table": Breakage(
        "funding.yaml", '"2023/2024": 7000', '"2023/24": 7000',
        "streams[1].items[2].amounts.2023/24", "expected one of the financial years listed"),
    "review before publication": Breakage(
        "review-dates.yaml", "review_by: 2027-01-31", "review_by: 2023-01-31",
        "elements[1].review_by", "on or after the publication date"),
    "review row names no part": Breakage(
        "review-dates.yaml", "part: definition", "part: defintion",
        "elements[1].part", "expected the name of a part of this strategy",
        marker="part: defintion"),
    "unknown prevention level": Breakage(
        "principles.yaml", "prevention: [primary]", "prevention: [primry]",
        "principles[1].prevention[1]", "expected one of the prevention levels"),
    "a character YAML does not allow": Breakage(
        "foreword.yaml", "title: Foreword", "title: Fore\x07word", None,
        "it holds the character U+0007, which YAML does not allow"),
    "an alias": Breakage(
        "foreword.yaml", "title: Foreword", "title: &t Foreword\nsubtitle: *t", "subtitle",
        "expected the value written out in full; found a YAML alias", marker="subtitle: *t"),
    "an alias to itself": Breakage(
        "foreword.yaml", "title: Foreword", "title: &t [*t]", "title[1]",
        "found a YAML alias"),
    "an id used twice": Breakage(
        "principles.yaml", "  - id: secondary", "  - id: primary  # again",
        "prevention_levels[2].id",
        "expected each prevention level's id once; 'primary' is used twice"),
    "a part with two review rows": Breakage(
        "review-dates.yaml", "part: funding", "part: definition  # again", "elements[6].part",
        "expected each part in one row"),
    "a direction override in text": Breakage(
        "foreword.yaml", "title: Foreword", "title: Fore\u202eword", "title",
        "expected text without a direction override (U+202E, at character 5)"),
    "an unknown reason to withhold": Breakage(
        "objectives.yaml", "  - number: 3\n", "  - number: 3\n    withhold: {reason: secret}\n",
        "objectives[3].withhold.reason",
        "expected one of: safety, crime-prevention, institution-security; found the text "
        "'secret'", marker="reason: secret"),
    "a link that could run script": Breakage(
        "introduction.yaml", "title:", "links: [{title: x, url: \"javascript:alert(1)\"}]\ntitle:",
        "links[1].url", "not a 'javascript:' address", marker="javascript:"),
    # Issue 15: one-line fields, numbers as typed, addresses that leave the site, and the
    # messages a person needs to mend what YAML read differently from what they wrote.
    "a line break in a one-line field": Breakage(
        "strategy.yaml", "partnership: Barking and Dagenham's Community Safety Partnership",
        'partnership: "A\\nBcc: x@y"', "partnership",
        "expected one line of text, found a line break (at character 2): write it on one line "
        "(only prose fields, written after |, hold several lines)"),
    "a carriage return in an e-mail address": Breakage(
        "strategy.yaml", "email: CSP@lbbd.gov.uk", 'email: "CSP@lbbd.gov.uk\\rBcc: x@y"',
        "contact.email", "expected one line of text, found a line break (at character 16)"),
    "a line break in a list of one-line roles": Breakage(
        "foreword.yaml", "roles: [Cabinet Member for Enforcement & Community Safety]",
        'roles: [Councillor, "Cabinet Member\\nfor Enforcement"]', "signatories[1].roles[2]",
        "expected one line of text, found a line break (at character 15)"),
    "more than one e-mail address": Breakage(
        "strategy.yaml", "email: CSP@lbbd.gov.uk", 'email: "a@b?bcc=c@d, L <e@f>"',
        "contact.email",
        "expected one e-mail address, like csp@council.gov.uk, and nothing else (no name, no "
        "second address, no '?'); found the text 'a@b?bcc=c@d, L <e@f>'"),
    "an amount YAML reads as octal": Breakage(
        "funding.yaml", '"2022/2023": 125305', '"2022/2023": 0125305',
        "streams[1].items[1].amounts.2022/2023",
        "expected an amount in pounds written as a plain number, like 125305 or 39728.86 (no £ "
        "sign, no commas); found the text '0125305': write 125305"),
    "an amount YAML reads as base 60": Breakage(
        "funding.yaml", '"2023/2024": 7000', '"2023/2024": 12:53',
        "streams[1].items[2].amounts.2023/2024",
        "expected an amount in pounds written as a plain number, like 125305 or 39728.86 (no £ "
        "sign, no commas); found the text '12:53'"),
    "an amount with underscores": Breakage(
        "funding.yaml", '"2023/2024": 7000', '"2023/2024": 7_000',
        "streams[1].items[2].amounts.2023/2024", "found the text '7_000': write 7000"),
    "a chart value YAML reads as octal": Breakage(
        "diagrams.yaml", "values: [51, 257, 14]", "values: [51, 0257, 14]",
        "diagrams[1].series[1].values[2]",
        "expected a number, or '<N' for a figure the source only gives as below N; found the "
        "text '0257': write 257", folder="bromley"),
    "a comma in an amount": Breakage(
        "funding.yaml", '"2022/2023": 125305', '"2022/2023": 125,305',
        "streams[1].items[1].amounts.2022/2023",
        "found 125,305: between brackets [ ] or braces { } a comma separates entries, so YAML "
        "reads this as 125 and then 305; write 125305 (no commas in numbers)"),
    "a comma in a chart value": Breakage(
        "diagrams.yaml", "values: [51, 257, 14]", "values: [51, 1,257, 14]",
        "diagrams[1].series[1].values[2]",
        "found 1,257: between brackets [ ] or braces { } a comma separates entries, so YAML "
        "reads this as 1 and then 257; write 1257 (no commas in numbers)", folder="bromley"),
    "a year key written as a number": Breakage(
        "funding.yaml", '{"2022/2023": 125305, "2023/2024": 100469}',
        '{2022: 125305, "2023/2024": 100469}', "streams[1].items[1].amounts.2022",
        "expected text; found the number 2022: put it in quotes (\"2022\") to keep it as text"),
    "a number where text is expected": Breakage(
        "strategy.yaml", 'edition: "2024"', "edition: 2024", "edition",
        "expected text; found the number 2024: put it in quotes (\"2024\") to keep it as text"),
    "No where text is expected": Breakage(
        "strategy.yaml", "team: Community Safety Team", "team: No", "contact.team",
        "expected text; found No, which YAML reads as the value false: put it in quotes "
        "(\"No\") to keep it as text"),
    "On in a list of text": Breakage(
        "foreword.yaml", "roles: [Cabinet Member for Enforcement & Community Safety]",
        "roles: [Councillor, On]", "signatories[1].roles[2]",
        "expected text; found On, which YAML reads as the value true: put it in quotes "
        "(\"On\") to keep it as text"),
    "a hashtag read as a comment": Breakage(
        "strategy.yaml", 'hashtag: "#SaferBD"', "hashtag: #SaferBD", "contact.hashtag",
        "found no value, only a comment: in YAML a # after a space starts a comment, so "
        "'#SaferBD' is not read; put the value in quotes: \"#SaferBD\""),
    "a link to another website written as site-relative": Breakage(
        "introduction.yaml", "title:", 'links: [{title: x, url: "//evil.example/x"}]\ntitle:',
        "links[1].url",
        "expected a web address starting https:// or http://, a mailto: address or a "
        "site-relative address; found '//evil.example/x', which leads to another website "
        "(two slashes start a web address without its https:): write https://evil.example/x "
        "if that is meant", marker="evil.example", exact=True),
    "a website with a backslash that leaves the site": Breakage(
        "strategy.yaml", "website: https://lbbd.gov.uk/saferBD", "website: /\\evil.example",
        "contact.website", "found '/\\evil.example', which leads to another website"),
    "a long value is quoted short": Breakage(
        "objectives.yaml", "  - number: 3\n", "  - number: " + "x" * 5000 + "\n",
        "objectives[3].number",
        "expected a whole number, like 3; found the text '" + "x" * 59 + "…'",
        marker="number: xxx"),
    # Issue 16: what a new user hit.
    "an empty list": Breakage(
        "principles.yaml", "prevention: [primary]", "prevention: []",
        "principles[1].prevention",
        "expected at least 1 entry in the list; found an empty list", exact=True),
    "a value ending in a colon": Breakage(
        "foreword.yaml", "title: Foreword", "title: Foreword with a focus on:", None,
        "this is not valid YAML: mapping values are not allowed here; a colon followed by a "
        "space, or at the end of a value, starts a new 'name: value' in YAML, so a value "
        "holding one must be in quotes: title: \"Foreword with a focus on:\""),
    "a value with a colon inside": Breakage(
        "objectives.yaml", "  - number: 3\n    title: ", "  - number: 3\n    title: Aim: ",
        None, "so a value holding one must be in quotes: title: \"Aim: ", marker="Aim: "),
    "shared definition that does not exist": Breakage(
        "definition.yaml", "adopts: london-definition", "adopts: londn-definition", "adopts",
        "(did you mean 'london-definition'?)"),
}


def _break(data: Path, case: Breakage) -> tuple[Path, int]:
    """Apply the breakage; return the file and the line the message must name."""
    path = data / case.folder / case.file
    text = path.read_text(encoding="utf-8")
    assert text.count(case.old) >= 1, f"{case.file} no longer contains {case.old!r}"
    text = text.replace(case.old, case.new, 1)
    path.write_text(text, encoding="utf-8")
    marker = case.marker or case.new.strip()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if marker in row)
    return path, line


@pytest.mark.parametrize("name", list(CASES))
def test_broken_data_is_reported_with_file_line_and_field(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    data = copy_data(tmp_path)
    path, line = _break(data, case)
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    messages = [str(problem) for problem in raised.value.problems]
    shown = f"strategy_data/{case.folder}/{case.file}:{line}:"
    matching = [m for m in messages if m.startswith(shown) and case.says in m]
    if case.exact:
        assert messages == [f"{shown} field '{case.field}': {case.says}"], messages
    assert matching, messages
    if case.field:
        assert all(f"field '{case.field}'" in m for m in matching), matching
    assert path.exists()


def test_a_missing_part_names_the_file_it_expects(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    (data / BD / "funding.yaml").unlink()
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    assert [str(p) for p in raised.value.problems] == [
        f"strategy_data/{BD}/funding.yaml: required file is missing: "
        "the london-serious-violence-duty template needs this part"
    ]


def test_an_unknown_file_gets_a_suggestion(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    (data / BD / "funding.yaml").rename(data / BD / "fundng.yaml")
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    messages = [str(p) for p in raised.value.problems]
    assert any("unknown file 'fundng.yaml' (did you mean 'funding.yaml'?)" in m
               for m in messages), messages


def test_every_problem_in_a_run_is_reported_together(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    for name in ("unknown key", "impossible date", "text where an amount belongs"):
        _break(data, CASES[name])
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    files = {problem.file.name for problem in raised.value.problems}
    assert files == {"foreword.yaml", "review-dates.yaml", "funding.yaml"}


def test_cross_reference_mistakes_are_all_reported_in_one_run(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    review = data / BD / "review-dates.yaml"
    review.write_text(review.read_text("utf-8").replace("part: definition", "part: defintion")
                      .replace("part: funding", "part: fundng"), encoding="utf-8")
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    fields = [problem.field for problem in raised.value.problems]
    assert fields == ["elements[1].part", "elements[6].part"], raised.value.problems


def test_a_byte_order_mark_is_not_content(tmp_path: Path) -> None:
    """Some Windows editors start a UTF-8 file with a BOM; it is read as the same file."""
    data = copy_data(tmp_path)
    foreword = data / BD / "foreword.yaml"
    foreword.write_bytes(b"\xef\xbb\xbf" + foreword.read_bytes())
    assert load_site(data).latest_editions[0].foreword \
        == load_site(DATA).latest_editions[0].foreword


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    with (data / BD / "foreword.yaml").open("r+b") as handle:
        handle.truncate(100 * 2**20)  # 100 MB (sparse: nothing is written)
    start = time.monotonic()
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    assert time.monotonic() - start < 10
    assert (f"strategy_data/{BD}/foreword.yaml: expected a strategy file of at most 10 MB, "
            "found 100.0 MB: is this the right file?") in str(raised.value)


def test_an_empty_file_and_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    (data / BD / "foreword.yaml").write_text("", encoding="utf-8")
    (data / BD / "themes.yaml").write_bytes("title: Th\xe8mes\n".encode("latin-1"))
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    messages = " | ".join(str(p) for p in raised.value.problems)
    assert f"{BD}/foreword.yaml: expected YAML content, found an empty file" in messages
    assert f"{BD}/themes.yaml:1: expected UTF-8 text, found the byte 0xE8" in messages


def test_a_pound_sign_saved_as_windows_1252_names_its_line(tmp_path: Path) -> None:
    """Excel and older Notepad save '£' as the single byte 0xA3, which is not UTF-8."""
    data = copy_data(tmp_path)
    funding = data / BD / "funding.yaml"
    text = funding.read_text(encoding="utf-8").replace(
        "    activity: Commissioned youth Services",
        "    activity: £125,305 for commissioned youth Services", 1)
    funding.write_bytes(text.encode("cp1252"))
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "£125,305" in row)
    at = len(text[:text.index("£")].encode("cp1252"))
    assert _problems(data) == [
        f"strategy_data/{BD}/funding.yaml:{line}: expected UTF-8 text, found the byte 0xA3 ('£' "
        f"in Windows-1252, the encoding the file was probably saved in), at byte {at} of the "
        "file, which is not UTF-8: save the file as UTF-8 (in Notepad: File, Save as, "
        "Encoding: UTF-8)"]


# --- the same through the commands an officer runs ---------------------------------------


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _mkdocs(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project, capture_output=True, text=True, env=_env(), timeout=120,
    )


@pytest.mark.slow  # two whole builds by the mkdocs command
def test_mkdocs_build_stops_with_the_message_and_leaves_the_old_site(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    project = make_project(tmp_path, data)
    site = tmp_path / "site"
    first = _mkdocs(project, site)
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}

    _, line = _break(data, CASES["text where an amount belongs"])
    second = _mkdocs(project, site)
    assert second.returncode != 0
    assert "Traceback" not in second.stderr + second.stdout
    assert (f"strategy_data/{BD}/funding.yaml:{line}: field "
            "'streams[1].items[1].amounts.2022/2023': expected an amount") in second.stderr
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.slow  # two fresh interpreters of the command
def test_strategy_site_check_exits_2_on_bad_data_and_0_on_good(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "strategy_site.cli", "check", "--today", "2024-01-15",
               "--data"]
    good = subprocess.run([*command, str(REPO / "strategy_data")], capture_output=True,
                          text=True, env=_env(), timeout=60)
    assert good.returncode == 0, good.stderr
    assert f"{BD}: Serious Violence Duty Strategy - valid" in good.stdout

    data = copy_data(tmp_path)
    _break(data, CASES["unknown key"])
    bad = subprocess.run([*command, str(data)], capture_output=True, text=True, env=_env(),
                         timeout=60)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "unknown field 'titel' (did you mean 'title'?)" in bad.stderr


def test_libyaml_and_pyyaml_read_every_real_file_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Valid files are parsed by libyaml for speed, invalid ones again by PyYAML to explain
    them: both must give the same values and the same line for every value."""
    assert yaml_lines._FastLoader is not None, "PyYAML without libyaml: loading is ~10x slower"
    files = sorted(DATA.rglob("*.yaml"))
    fast = [read_yaml(path) for path in files]
    monkeypatch.setattr(yaml_lines, "_FastLoader", None)
    assert [read_yaml(path) for path in files] == fast
    # And the values are PyYAML's own (none of these files holds what we read otherwise: a
    # number not written as one, an impossible date).
    assert [parsed.data for parsed in fast] == [
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in files]


# --- links and other files the data folder does not own ----------------------------------

LINK = ("expected a file or folder of the data folder itself, found a link (a symbolic link) "
        "to somewhere else: nothing outside the data folder is read or published, so put the "
        "file or folder itself here in place of the link")


def _problems(data: Path) -> list[str]:
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    return [str(problem) for problem in raised.value.problems]


def test_a_link_to_an_endless_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    """`foreword.yaml -> /dev/zero` reads as size 0 and would fill memory."""
    data = copy_data(tmp_path)
    foreword = data / BD / "foreword.yaml"
    foreword.unlink()
    foreword.symlink_to("/dev/zero")
    assert _problems(data) == [f"strategy_data/{BD}/foreword.yaml: {LINK}"]


def test_a_link_to_a_secret_never_shows_its_content(tmp_path: Path) -> None:
    secret = tmp_path / "git-credentials"
    secret.write_text("https://ci-bot:ghp_0123456789SECRET@github.com\n", encoding="utf-8")
    data = copy_data(tmp_path)
    for name in ("foreword.yaml", "themes.yaml"):
        (data / BD / name).unlink()
        (data / BD / name).symlink_to(secret)
    problems = _problems(data)
    assert problems == [f"strategy_data/{BD}/foreword.yaml: {LINK}",
                        f"strategy_data/{BD}/themes.yaml: {LINK}"]
    assert "ghp_" not in " ".join(problems)


def test_a_folder_link_does_not_republish_another_document(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    (data / "bexley" / "mirror").symlink_to("../bromley")
    assert _problems(data) == [f"strategy_data/bexley/mirror: {LINK}"]


def test_a_link_to_a_system_folder_is_one_problem_not_its_contents(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    (data / "etc").symlink_to("/etc")
    assert _problems(data) == [f"strategy_data/etc: {LINK}"]


@pytest.mark.parametrize("where", [
    "timetable.yaml", "shared/london-definition.yaml", f"{BD}/editions", "bexley/strategy.yaml"])
def test_a_link_anywhere_the_loader_reads_is_refused(tmp_path: Path, where: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    data = copy_data(tmp_path)
    target = data / where
    if target.exists():
        target.rename(elsewhere)
    elif target.suffix == ".yaml":  # a site's own copy of a file the package gives (shared/)
        elsewhere.write_text("name: A definition\nstatement: Any violence.\n", encoding="utf-8")
    else:
        elsewhere.mkdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(elsewhere)
    assert f"strategy_data/{where}: {LINK}" in _problems(data)


def test_a_folder_on_the_way_to_a_file_may_not_be_a_link(tmp_path: Path) -> None:
    """A document's own folder read through a link is refused, though each file in it is a
    regular file."""
    data = copy_data(tmp_path)
    shutil.move(data / "bromley", tmp_path / "bromley")
    (data / "bromley").symlink_to(tmp_path / "bromley")
    assert _problems(data) == [f"strategy_data/bromley: {LINK}"]


def test_the_data_folder_itself_may_be_reached_through_a_link(tmp_path: Path) -> None:
    """mkdocs.yml's data_dir may be a link (a checkout elsewhere): the rule is for what is in it."""
    data = copy_data(tmp_path)
    (tmp_path / "via").symlink_to(data)
    assert load_site(tmp_path / "via").latest_editions


def test_a_pipe_is_refused_rather_than_waited_for(tmp_path: Path) -> None:
    """A named pipe never ends a read; the loader must not wait for it."""
    data = copy_data(tmp_path)
    foreword = data / BD / "foreword.yaml"
    foreword.unlink()
    os.mkfifo(foreword)
    found: list[list[str]] = []
    worker = threading.Thread(target=lambda: found.append(_problems(data)), daemon=True)
    worker.start()
    worker.join(20)
    assert found == [[f"strategy_data/{BD}/foreword.yaml: expected a regular file, found a "
                      "named pipe, device or socket: put the file itself here"]]


def test_the_home_office_address_is_one_address(tmp_path: Path) -> None:
    """The timetable's address goes into the submission email's To: header."""
    data = copy_data(tmp_path)
    timetable = data / "timetable.yaml"  # the statutory rule, replaced by the site's own
    old = "address: seriousviolenceduty@homeoffice.gov.uk"
    text = ("extends: statutory\nrules:\n  - id: home-office-submission\n"
            "    checks: The strategy is sent to the Home Office\n    concerns: Home Office\n"
            f"    {old}\n    event: submitted_to_home_office\n    starts: published\n"
            "    within_days: 7\n")
    timetable.write_text(text.replace(old, 'address: "svd@homeoffice.gov.uk\\nBcc: x@y"'),
                         encoding="utf-8")
    line = text.splitlines().index(f"    {old}") + 1
    assert _problems(data) == [
        f"strategy_data/timetable.yaml:{line}: field 'rules[1].address': expected one line of "
        "text, found a line break (at character 22): write it on one line (only prose fields, "
        "written after |, hold several lines)"]
    timetable.write_text(text.replace(old, "address: svd@homeoffice.gov.uk, x@y.example"),
                         encoding="utf-8")
    assert _problems(data) == [
        f"strategy_data/timetable.yaml:{line}: field 'rules[1].address': expected one e-mail "
        "address, like csp@council.gov.uk, and nothing else (no name, no second address, no "
        "'?'); found the text 'svd@homeoffice.gov.uk, x@y.example'"]


@pytest.mark.parametrize("source", [
    "amounts: {\"2022/2023\": 0125305, \"2023/2024\": 12:53, x: 7_000, y: 0x1F, z: 1.5e+3}\n",
    "values: [51, 1,257, 14, 12,345,678]\nother: {a: 125,305, b: 1}\n",
    "contact:\n  hashtag: #SaferBD\n  team: No\n  other: On\n  edition: 2024\n",
    "é: {2022: 5, 0125: 6, No: 7}\nlast: #end",
    "list:\n  - #first\n  - 1,000\n  - .inf\n  - -0\n  - +5\n",
])
def test_libyaml_and_pyyaml_judge_what_was_typed_alike(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    """Numbers judged by their text, commas and comments are found by the same rules on
    both parsers' nodes: the same values, lines, quoted text and problems."""
    path = tmp_path / "part.yaml"
    path.write_text(source, encoding="utf-8")

    def outcome() -> object:
        try:
            return read_yaml(path)
        except StrategyDataError as error:
            return [str(problem) for problem in error.problems]

    fast = outcome()
    monkeypatch.setattr(yaml_lines, "_FastLoader", None)
    assert outcome() == fast
