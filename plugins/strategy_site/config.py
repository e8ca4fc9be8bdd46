"""The plugin's options, as MkDocs config classes so mistakes are reported like MkDocs' own."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class StrategySiteConfig(Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped here
    """Options under `plugins: - strategy_site:` in mkdocs.yml."""

    data_dir = c.Dir(exists=True, default="strategy_data")
    """The folder of strategy data: one folder per borough, plus `shared/`."""

    strategies_marker = c.Type(str, default="<!-- strategy-site:strategies -->")
    """Where a hand-written page (the home page) wants the list of strategies."""

    accessibility_statement = c.Type(str, default="accessibility/")
    """The address of the accessibility statement, linked from the footer of every page."""
