"""The `strategy-site` command: check the data, start a new borough, record a published edition,
or make a strategy's Home Office submission pack, without building the site; and write the
data files' schemas, for an editor that checks them as they are typed."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

from .applicability import Verdict, verdict
from .config import SiteConfigError, SiteSettings, checked_site_url, read_site_config
from .init_site import init_site
from .loading import StrategyDataError, load_site, read_yaml
from .loading.places import edition_file
from .model import Site
from .output import write_atomically, write_new_atomically
from .pages import Renderer
from .plan import SITE_DEADLINES, Options, made_pdf, plan_site
from .publications import (
    MANIFEST_FILE,
    document_folder,
    kept_pdf_name,
    manifest_yaml,
    new_publication,
)
from .scaffold import SCAFFOLDED, TEMPLATE, ScaffoldError, scaffold
from .schema import write_editor_files, write_schemas
from .submission import (
    ExampleAddress,
    SubmissionError,
    Version,
    described_address,
    example_address,
    pack_terms,
    setting_place,
    submission_pack,
    write_pack,
)
from .timetable import Deadline, Status
from .withholding import withheld_line

EXIT_OK = 0
EXIT_LATE = 1
"""Something is overdue, done too early, or cannot be checked (or due soon, with --strict)."""
EXIT_INVALID = 2


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; exit 0 when all is well, 2 when the data is invalid."""
    parser = argparse.ArgumentParser(prog="strategy-site", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check", help="validate every strategy and show where its timetable stands")
    check.add_argument("--data", type=Path, default=Path("strategy_data"),
                       help="the data folder (default: strategy_data)")
    check.add_argument("--today", type=dt.date.fromisoformat,
                       help="the date to check as of, YYYY-MM-DD (default: today in London)")
    check.add_argument("--strict", action="store_true",
                       help="exit 1 for deadlines due soon, not only for overdue ones")
    check.add_argument("--format", choices=("text", "json"), default="text")
    pack = commands.add_parser(
        "submission", help="write a strategy's Home Office submission pack (PDF, SHA-256, email)")
    pack.add_argument("borough", help="the borough's folder name, e.g. barking-and-dagenham")
    pack.add_argument("--data", type=Path, default=Path("strategy_data"),
                      help="the data folder (default: strategy_data)")
    pack.add_argument("--out", type=Path, help="where to write it (default: submissions/BOROUGH)")
    pack.add_argument("--site-url", help="the published site's address (default: site_url in "
                                         "mkdocs.yml)")
    new = commands.add_parser(
        "new", help="start a new borough's folder from the London template (or the national "
                    "one), with TODO markers")
    new.add_argument("folder", help="the borough's folder name, e.g. newham")
    new.add_argument("--name", required=True, help='the borough\'s name, e.g. "Newham"')
    new.add_argument("--data", type=Path, default=Path("strategy_data"),
                     help="the data folder (default: strategy_data)")
    new.add_argument("--template", choices=SCAFFOLDED, default=TEMPLATE,
                     help="the template to start from (default: the London one; "
                          "serious-violence-duty for a partnership outside London)")
    new.add_argument("--region", choices=("england", "wales"),
                     help="where the partnership is, with --template serious-violence-duty")
    schema = commands.add_parser(
        "schema", help="write the JSON Schema of every kind of data file into a folder")
    schema.add_argument("folder", type=Path, help="where to write them, e.g. .schemas")
    editor = commands.add_parser(
        "editor", help="set up VS Code for the data: the schemas in .schemas/, and "
                       ".vscode/settings.json and extensions.json (run again after an upgrade)")
    editor.add_argument("site", type=Path, nargs="?", default=Path("."),
                        help="the site repository (default: this folder)")
    editor.add_argument("--data", default="strategy_data",
                        help="its data folder, relative to it (default: strategy_data)")
    publish = commands.add_parser(
        "publish", help="record a published edition: keep its PDF and the SHA-256 of its PDF "
                        "and data in the document's published.yaml")
    publish.add_argument("document", help="the document's address, e.g. bexley or "
                                          "bexley/delivery-2024")
    publish.add_argument("--edition", help="the edition to record (default: the newest)")
    publish.add_argument("--data", type=Path, default=Path("strategy_data"),
                         help="the data folder (default: strategy_data)")
    publish.add_argument("--site-url", help="the published site's address (default: site_url "
                                            "in mkdocs.yml)")
    publish.add_argument("--today", type=dt.date.fromisoformat,
                         help="the date of the record, YYYY-MM-DD (default: today)")
    init = commands.add_parser(
        "init", help="write a council's own site: mkdocs.yml, the home page, the partnership's "
                     "folder from the London template (TODO markers), a README and CI")
    init.add_argument("folder", type=Path, help="where to write the site (a new or empty folder)")
    init.add_argument("--partnership", required=True,
                      help="the partnership's folder name, e.g. newham")
    init.add_argument("--name", required=True, help='the borough\'s name, e.g. "Newham"')
    init.add_argument("--template", choices=SCAFFOLDED, default=TEMPLATE,
                      help="the partnership's template (default: the London one; "
                           "serious-violence-duty for a partnership outside London)")
    init.add_argument("--region", choices=("england", "wales"),
                      help="where the partnership is, with --template serious-violence-duty")
    init.add_argument("--force", action="store_true",
                      help="write into a folder that is not empty, adding only the files "
                           "missing there (never replacing one)")
    gate = commands.add_parser(
        "gate", help="the accessibility gate on a built site: every page at 1280 and 320 px, "
                     "every PDF (installs its Node packages first, as make does)")
    gate.add_argument("--site", type=Path, default=Path("site"),
                      help="the built site (default: site)")
    gate.add_argument("--only", action="append", metavar="PARTNERSHIP",
                      help="check only this partnership's pages and the home page")
    gate.add_argument("--json", type=Path, help="also write the problems here as JSON")
    gate.add_argument("--install-only", action="store_true",
                      help="install the gate's Node packages, check nothing")
    for command in (check, pack, publish):
        command.add_argument("--config", type=Path, help=CONFIG_HELP)
    args = parser.parse_args(argv)
    if args.command == "init":
        return _init(args.folder, args.partnership, args.name, args.force, args.template,
                     args.region)
    if args.command == "gate":
        return _gate(args.site, args.only or [], args.json, args.install_only)
    if args.command == "new":
        return _new(args.data, args.folder, args.name, args.template, args.region)
    if args.command == "schema":
        for path in write_schemas(args.folder):
            print(path)
        return EXIT_OK
    if args.command == "editor":
        return _editor(args.site, args.data)
    if args.config is not None and not args.config.is_file():
        print(f"{args.config}: expected the site's mkdocs.yml (--config), found no such file",
              file=sys.stderr)
        return EXIT_INVALID
    config = _config_file(args.data, args.config)
    try:
        settings = read_site_config(config) if config is not None else None
        if getattr(args, "site_url", None) is not None:
            args.site_url = checked_site_url(args.site_url)
    except SiteConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    if args.command == "publish":
        return _publish(args.data, args.document, args.edition,
                        args.site_url or _site_url(settings), args.today,
                        _site_url_setting(args.site_url, config))
    if args.command == "submission":
        return _submission(args.borough, args.data, args.out, args.site_url, config, settings)
    return _check(args.data, args.today, args.strict, args.format, settings)


CONFIG_HELP = ("the site's mkdocs.yml, for its site_url and accessibility statement (default: "
               "the one in the data folder's parent folder, else the one in this folder)")


def _config_file(data_dir: Path, given: Path | None) -> Path | None:
    """The site's mkdocs.yml: as given; else the one beside the data folder (in its parent,
    where `init` and this repository put it), so `check --data` works from any folder; else
    the one in the current folder."""
    if given is not None:
        return given
    for candidate in (data_dir.absolute().parent / "mkdocs.yml", Path("mkdocs.yml")):
        if candidate.is_file():
            return candidate
    return None


def _check(data_dir: Path, today: dt.date | None, strict: bool, output: str,
           config: SiteSettings | None) -> int:
    if not data_dir.is_dir():
        print(f"{data_dir}: expected a folder of strategy data, found none", file=sys.stderr)
        return EXIT_INVALID
    reviewed = config.statement_reviewed if config is not None else None
    try:
        plan = plan_site(load_site(data_dir.resolve()), Options(
            data_dir=data_dir.resolve(), today=today, statement_reviewed=reviewed))
    except StrategyDataError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    site, today = plan.site, plan.today or today  # without a timetable, as given
    deadlines: list[Deadline] = []
    for owner, found in plan.deadlines.items():
        if owner == SITE_DEADLINES and config is None:
            # say where the date would be, not only that it is missing
            found = tuple(dataclasses.replace(deadline, note=(
                f"no mkdocs.yml in {data_dir.absolute().parent} or in this folder, where "
                "accessibility: last_reviewed is set: give the site's with --config"))
                if deadline.status is Status.MISSING else deadline for deadline in found)
        deadlines += found
    reasons = _rule_reasons(site, data_dir.resolve())
    if output == "json":
        print(json.dumps({"today": today.isoformat() if today else None, "findings": [
            {"strategy": f.strategy, "rule": f.rule.id, "subject": f.subject,
             "due": f.due.isoformat() if f.due else None,
             "done": f.done.isoformat() if f.done else None,
             "status": f.status.value, "note": f.note} for f in deadlines],
            "rules": [{"strategy": home, "rule": found.rule.id, "applies": found.applies,
                       "because": found.because, "field": found.field, "line": line}
                      for home, found, line in reasons]}, indent=1))
    else:
        for strategy in site.latest_editions:
            print(f"{strategy.home}: {strategy.identity.title} - valid")
        for item in site.withheld:
            print(f"withheld from {item.home} (edition {item.edition}): {withheld_line(item)}")
        print(_rules_table(reasons))
        if today is not None:
            print(_table(deadlines, today))
    failing = [f for f in deadlines
               if f.status.needs_action or (strict and f.status is Status.DUE_SOON)]
    return EXIT_LATE if failing else EXIT_OK


def _rule_reasons(site: Site, data_dir: Path) -> list[tuple[str, Verdict, int | None]]:
    """For each strategy, each rule of the timetable but the site's own: whether it applies,
    why, and the line of strategy.yaml the reason rests on."""
    if site.timetable is None:
        return []
    found: list[tuple[str, Verdict, int | None]] = []
    for strategy in site.latest_editions:
        path = edition_file(data_dir, strategy)
        lines = read_yaml(path, path, data_dir).lines
        for rule in site.timetable.rules:
            if not rule.site_wide:
                reason = verdict(rule, strategy, site.timetable)
                line = lines.get((reason.field,)) if reason.field else None
                found.append((strategy.home, reason, line))
    return found


def _rules_table(reasons: list[tuple[str, Verdict, int | None]]) -> str:
    """Why each rule applies to each strategy or not, naming the line of strategy.yaml."""
    lines: list[str] = []
    owner = None
    for home, found, line in reasons:
        if home != owner:
            owner = home
            lines.append(f"\nRules for {home} (strategy.yaml: {home}/strategy.yaml)")
        where = ("applies_to: all" if not found.field else
                 f"strategy.yaml line {line}" if line is not None else
                 f"strategy.yaml gives no '{found.field}'" +
                 (": the default, london-serious-violence-duty" if found.field == "template"
                  else ""))
        state = "applies" if found.applies else "does not apply"
        lines.append(f"  {found.rule.id}: {state}: {found.because} ({where})")
    return "\n".join(lines)


def _table(deadlines: list[Deadline], today: dt.date) -> str:
    """The findings as a plain-text table, strategy by strategy."""
    lines = [f"\nTimetable as of {today.isoformat()}"]
    owner = None
    for deadline in deadlines:
        if deadline.strategy != owner:
            owner = deadline.strategy
            lines.append(f"\n{owner}\n  {'status':<26} {'due':<11} {'done':<11} what")
        due = deadline.due.isoformat() if deadline.due else "-"
        done = deadline.done.isoformat() if deadline.done else "-"
        note = f" ({deadline.note})" if deadline.note else ""
        lines.append(f"  {deadline.status.value:<26} {due:<11} {done:<11} "
                     f"{deadline.subject}{note}")
    counts = {status: sum(1 for f in deadlines if f.status is status) for status in Status}
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    lines.append(f"\n{len(deadlines)} deadlines: {summary or 'none'}")
    return "\n".join(lines)


def _submission(borough: str, data_dir: Path, out: Path | None, site_url: str | None,
                config: Path | None, settings: SiteSettings | None) -> int:
    try:
        plan = plan_site(load_site(data_dir.resolve()), Options(
            data_dir=data_dir, site_url=site_url or _site_url(settings)))
    except StrategyDataError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    site = plan.site
    strategy = next((s for s in site.latest_editions if s.home == borough), None)
    if strategy is None:
        names = ", ".join(s.home for s in site.latest_editions)
        print(f"{data_dir}/{borough}: no such strategy; expected one of: {names}",
              file=sys.stderr)
        return EXIT_INVALID
    planned = plan.pack_of(strategy.home)
    assert planned is not None  # every strategy has its pack in the plan
    try:
        # What would stop the pack, said before its PDFs are rendered (seconds each).
        pack_terms(strategy, site.timetable,
                   (planned.address, *(job.web_address for job in planned.translations)))
        # A recorded edition sends the PDF it published, byte for byte; others are rendered.
        renderer = Renderer()
        pdf = made_pdf(planned.pdf, renderer, site)
        translations = tuple(Version(job.edition, made_pdf(job, renderer, site),
                                     job.web_address) for job in planned.translations)
        pack = submission_pack(strategy, pdf, site.timetable, planned.address, translations)
    except ExampleAddress as error:
        if error.in_record:  # a kept PDF: its message says how to record it again
            print(error, file=sys.stderr)
            return EXIT_INVALID
        print(f"{error}; set {_site_url_setting(site_url, config)} to the address the site is "
              "published at", file=sys.stderr)
        return EXIT_INVALID
    except SubmissionError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    for path in write_pack(pack, out or Path("submissions") / borough):
        print(path)
    print(f"Send to {pack.address} by {pack.due.isoformat()} "
          f"(published {pack.published.isoformat()}).")
    return EXIT_OK


def _new(data_dir: Path, folder: str, name: str, template: str = TEMPLATE,
         region: str | None = None) -> int:
    try:
        written = scaffold(data_dir, folder, name, template, region)
    except ScaffoldError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    for path in written:
        print(path)
    _editor(data_dir.parent, data_dir.name)
    print(f"Now write the values marked TODO; `strategy-site check --data {data_dir}` lists "
          "what is left. The authoring guide is in docs/guide/.")
    return EXIT_OK


def _editor(site: Path, data: str) -> int:
    """The editor's schemas and VS Code's settings, written into a site repository."""
    written = write_editor_files(site, data)
    for name in ("settings.json", "extensions.json"):
        if site / ".vscode" / name not in written:
            print(f"{site / '.vscode' / name} is not plain JSON (comments?), so it is left as "
                  "it is: run `strategy-site editor` in an empty folder and copy what it writes "
                  f"in .vscode/{name} into yours", file=sys.stderr)
    print(f"Editor files: {len(written)} written in {site / '.schemas'} and {site / '.vscode'}; "
          "in VS Code, install the YAML extension it recommends for completion, help and "
          "errors as you type.")
    return EXIT_OK


def _publish(data_dir: Path, address: str, edition_name: str | None, site_url: str | None,
             today: dt.date | None, where: str = "--site-url") -> int:
    """Keep an edition's PDF beside its data and record both fingerprints; `where` names the
    setting that gave `site_url`, for a message."""
    try:
        plan = plan_site(load_site(data_dir.resolve()),
                         Options(data_dir=data_dir, site_url=site_url))
    except StrategyDataError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    site = plan.site
    # A bilingual document by its address in any of its languages ('enghraifft/en', as the
    # build's log names its English version): every version of the edition is recorded.
    document = next((d for d in site.documents if address.strip("/") in (
        d.home, *(version.home for version in d.latest.translations))), None)
    if document is None:
        print(f"{data_dir}/{address}: no such document; expected one of: "
              f"{', '.join(d.home for d in site.documents)}", file=sys.stderr)
        return EXIT_INVALID
    edition = next((e for e in document.editions
                    if edition_name in (None, e.identity.edition, e.identity.edition_id)), None)
    if edition is None:
        print(f"{address}: no edition '{edition_name}'; expected one of: "
              f"{', '.join(e.identity.edition for e in document.editions)}", file=sys.stderr)
        return EXIT_INVALID
    if edition.identity.published is None:
        print(f"{address}: edition {edition.identity.edition} has no 'published' date in "
              "strategy.yaml: add the date it is published, then record it", file=sys.stderr)
        return EXIT_INVALID
    versions = [plan.pdf_of(version) for version in (edition, *edition.translations)]
    waiting = [job for job in versions if job.state.record is None or not job.state.unchanged]
    if not waiting:
        recorded = versions[0].state.record
        assert recorded is not None
        print(f"{address}: edition {edition.identity.edition} is already recorded "
              f"({recorded.recorded.isoformat()}), unchanged.")
        return EXIT_OK
    folder = document_folder(data_dir, edition)
    for job in waiting:
        if (folder / kept_pdf_name(job.edition)).exists():
            return _refuse_overwrite(folder / kept_pdf_name(job.edition))
    if site_url is not None and example_address(site_url):
        print(f"{address}: not recorded: the site's address is {described_address(site_url)}, "
              "which the kept PDF's cover would give for good as where the strategy is "
              f"published; set {where} to the address the site is published at",
              file=sys.stderr)
        return EXIT_INVALID
    records = []
    kept: list[Path] = []
    for job in waiting:  # each version not kept (recorded and unchanged): rendered now
        pdf = made_pdf(job, Renderer(), site)
        record = new_publication(document, job.edition, pdf.data, dict(site.definitions),
                                 today or dt.date.today())
        try:
            write_new_atomically(folder / record.pdf, pdf.data)
        except FileExistsError:  # kept by another `publish` meanwhile
            for path in kept:  # this run's, never recorded: no PDF without its record
                path.unlink()
            return _refuse_overwrite(folder / record.pdf)
        records.append(record)
        kept.append(folder / record.pdf)
    manifest = document.manifest.model_copy(
        update={"publications": (*document.manifest.publications, *records)})
    write_atomically(folder / MANIFEST_FILE, manifest_yaml(manifest).encode("utf-8"))
    print("\n".join(str(path) for path in [*kept, folder / MANIFEST_FILE]))
    amendments = records[0].amendments
    checksums = ", ".join(f"{record.pdf} {record.pdf_sha256}" for record in records)
    print(f"Recorded {address} edition {edition.identity.edition}"
          f"{f' with {amendments} amendment(s)' if amendments else ''}: "
          f"PDF SHA-256 {checksums if len(records) > 1 else records[0].pdf_sha256}. Commit "
          f"{'these files' if len(records) > 1 else 'both files'}: the build now checks the "
          "edition against them.")
    return EXIT_OK


def _refuse_overwrite(pdf: Path) -> int:
    print(f"{pdf}: a kept PDF of a published edition is already there, and publish never "
          f"replaces one. If its record in {MANIFEST_FILE} was lost, restore it from version "
          "control; to record a change to a published edition, add an entry to 'amendments' "
          "in strategy.yaml (its date and reason) and publish again", file=sys.stderr)
    return EXIT_INVALID


def _init(folder: Path, slug: str, name: str, force: bool, template: str = TEMPLATE,
          region: str | None = None) -> int:
    try:
        written = init_site(folder, slug, name, force, template, region)
    except ScaffoldError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    for path in written:
        print(path)
    print(f"Now write the values marked TODO in {folder / 'mkdocs.yml'} and in "
          f"{folder / 'strategy_data' / slug}/; in {folder}, `strategy-site check` lists what "
          "is left. Its README.md says how to preview, build, test and publish.")
    return EXIT_OK


def _gate(site: Path, only: list[str], report: Path | None, install_only: bool) -> int:
    """Install what the gate needs (gate/tools.py), then run it (gate/a11y_check.py)."""
    from .gate import tools

    missing = tools.missing_system_packages()
    if missing:
        print("The accessibility gate needs these Debian packages: " + ", ".join(missing)
              + f"\nInstall them with:\n  sudo apt-get install {' '.join(missing)}",
              file=sys.stderr)
        return EXIT_INVALID
    folder = tools.tools_dir()
    try:
        if tools.install(folder):
            print(f"Installed the gate's Node packages in {folder}")
    except tools.ToolsError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    if install_only:
        return EXIT_OK
    try:
        from .gate import a11y_check
    except ImportError as error:
        print(f"The accessibility gate needs the Python package {error.name}: "
              "pip install 'strategy-site[gate]'", file=sys.stderr)
        return EXIT_INVALID
    return a11y_check.main(["--site", str(site), *(f for p in only for f in ("--only", p)),
                            *(["--json", str(report)] if report else [])])


def _where_set(config: Path | None, key: str) -> str:
    """Where a setting of mkdocs.yml is, as a message names it: 'line 7 of ./mkdocs.yml'."""
    if config is None:
        return "in the site's mkdocs.yml (none found beside the data folder or here)"
    return setting_place(config, key, str(config))


def _site_url_setting(given: str | None, config: Path | None) -> str:
    """The setting that gave the site's address, as a message names it: --site-url, or
    site_url and its line in mkdocs.yml."""
    return "--site-url" if given else f"site_url ({_where_set(config, 'site_url')})"


def _site_url(settings: SiteSettings | None) -> str | None:
    return settings.site_url if settings is not None else None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
