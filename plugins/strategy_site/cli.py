"""The `strategy-site` command: check the data, or make a strategy's Home Office submission
pack, without building the site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from .loading import StrategyDataError, load_site
from .pages import Renderer
from .pdf import RenderedPdf, page_count, pdf_name, write_pdf
from .submission import SubmissionError, submission_pack, write_pack

EXIT_OK = 0
EXIT_INVALID = 2


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; exit 0 when all is well, 2 when the data is invalid."""
    parser = argparse.ArgumentParser(prog="strategy-site", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate every strategy in the data folder")
    check.add_argument("--data", type=Path, default=Path("strategy_data"),
                       help="the data folder (default: strategy_data)")
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
    return _check(args.data)


def _check(data_dir: Path) -> int:
    if not data_dir.is_dir():
        print(f"{data_dir}: expected a folder of strategy data, found none", file=sys.stderr)
        return EXIT_INVALID
    try:
        site = load_site(data_dir.resolve())
    except StrategyDataError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    for strategy in site.strategies:
        print(f"{strategy.slug}: {strategy.identity.title} - valid")
    return EXIT_OK


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
    site_url = site_url or _site_url(Path("mkdocs.yml"))
    web_address = f"{site_url.rstrip('/')}/{borough}/" if site_url else None
    data = write_pdf(Renderer().render_print(strategy, site, web_address))
    assert data is not None
    pdf = RenderedPdf(pdf_name(strategy), data, page_count(data))
    try:
        pack = submission_pack(strategy, pdf, site.timetable, web_address)
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


def _site_url(config: Path) -> str | None:
    if not config.exists():
        return None
    settings = yaml.load(config.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    value = settings.get("site_url") if isinstance(settings, dict) else None
    return str(value) if value else None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
