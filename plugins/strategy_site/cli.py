"""The `strategy-site` command: check the data, or make a strategy's Home Office submission
pack, without building the site."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import yaml

from .loading import StrategyDataError, load_site
from .pages import Renderer, web_address
from .pdf import strategy_pdf
from .submission import SubmissionError, submission_pack, write_pack
from .timetable import Finding, Status, site_findings, strategy_findings, today_in

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
    args = parser.parse_args(argv)
    if args.command == "submission":
        return _submission(args.borough, args.data, args.out, args.site_url)
    return _check(args.data, args.today, args.strict, args.format)


def _check(data_dir: Path, today: dt.date | None, strict: bool, output: str) -> int:
    if not data_dir.is_dir():
        print(f"{data_dir}: expected a folder of strategy data, found none", file=sys.stderr)
        return EXIT_INVALID
    try:
        site = load_site(data_dir.resolve())
    except StrategyDataError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    findings: list[Finding] = []
    if site.timetable is not None:
        today = today or today_in(site.timetable)
        for strategy in site.strategies:
            findings += strategy_findings(strategy, site.timetable, today)
        events = {"accessibility_statement_reviewed": _statement_reviewed(Path("mkdocs.yml"))}
        findings += site_findings(site.timetable, events, today)
    if output == "json":
        print(json.dumps({"today": today.isoformat() if today else None, "findings": [
            {"strategy": f.strategy, "rule": f.rule.id, "subject": f.subject,
             "due": f.due.isoformat() if f.due else None,
             "done": f.done.isoformat() if f.done else None,
             "status": f.status.value, "note": f.note} for f in findings]}, indent=1))
    else:
        for strategy in site.strategies:
            print(f"{strategy.slug}: {strategy.identity.title} - valid")
        if today is not None:
            print(_table(findings, today))
    failing = [f for f in findings
               if f.status.needs_action or (strict and f.status is Status.DUE_SOON)]
    return EXIT_LATE if failing else EXIT_OK


def _table(findings: list[Finding], today: dt.date) -> str:
    """The findings as a plain-text table, strategy by strategy."""
    lines = [f"\nTimetable as of {today.isoformat()}"]
    owner = None
    for finding in findings:
        if finding.strategy != owner:
            owner = finding.strategy
            lines.append(f"\n{owner}\n  {'status':<26} {'due':<11} {'done':<11} what")
        due = finding.due.isoformat() if finding.due else "-"
        done = finding.done.isoformat() if finding.done else "-"
        note = f" ({finding.note})" if finding.note else ""
        lines.append(f"  {finding.status.value:<26} {due:<11} {done:<11} "
                     f"{finding.subject}{note}")
    counts = {status: sum(1 for f in findings if f.status is status) for status in Status}
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    lines.append(f"\n{len(findings)} deadlines: {summary or 'none'}")
    return "\n".join(lines)


def _statement_reviewed(config: Path) -> dt.date | None:
    """When the accessibility statement was last reviewed, from mkdocs.yml."""
    settings = _read_mkdocs_yml(config)
    for plugin in settings.get("plugins", []) if isinstance(settings, dict) else []:
        if isinstance(plugin, dict) and isinstance(plugin.get("strategy_site"), dict):
            value = (plugin["strategy_site"].get("accessibility") or {}).get("last_reviewed")
            return value if isinstance(value, dt.date) else None
    return None


def _submission(borough: str, data_dir: Path, out: Path | None, site_url: str | None) -> int:
    try:
        site = load_site(data_dir.resolve())
    except StrategyDataError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    strategy = next((s for s in site.strategies if s.slug == borough), None)
    if strategy is None:
        names = ", ".join(s.slug for s in site.strategies)
        print(f"{data_dir}/{borough}: no such strategy; expected one of: {names}",
              file=sys.stderr)
        return EXIT_INVALID
    address = web_address(site_url or _site_url(Path("mkdocs.yml")), strategy)
    pdf = strategy_pdf(strategy, Renderer().render_print(strategy, site, address))
    try:
        pack = submission_pack(strategy, pdf, site.timetable, address)
    except SubmissionError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    for path in write_pack(pack, out or Path("submissions") / borough):
        print(path)
    print(f"Send to {pack.address} by {pack.due.isoformat()} "
          f"(published {pack.published.isoformat()}).")
    return EXIT_OK


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for one value, passing over MkDocs' own tags (!ENV, !relative)."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _read_mkdocs_yml(config: Path) -> object:
    if not config.exists():
        return {}
    return yaml.load(config.read_text(encoding="utf-8"), Loader=_TolerantLoader)


def _site_url(config: Path) -> str | None:
    settings = _read_mkdocs_yml(config)
    value = settings.get("site_url") if isinstance(settings, dict) else None
    return str(value) if value else None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
