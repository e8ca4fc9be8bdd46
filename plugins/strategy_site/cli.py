"""The `strategy-site` command: check the data without building the site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .loading import StrategyDataError, load_site

EXIT_OK = 0
EXIT_INVALID = 2


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; exit 0 when all is well, 2 when the data is invalid."""
    parser = argparse.ArgumentParser(prog="strategy-site", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate every strategy in the data folder")
    check.add_argument("--data", type=Path, default=Path("strategy_data"),
                       help="the data folder (default: strategy_data)")
    args = parser.parse_args(argv)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
