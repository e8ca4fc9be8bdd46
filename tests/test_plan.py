"""The core (the model, loading, the address scheme, the site's plan, the pages and their
rendering, the PDFs, the timetable, the records) imports nothing of MkDocs or Material: the
site's shape does not depend on the engine that builds it (issue 17). Only the adapters
(plugin.py, config.py) do."""

from __future__ import annotations

import subprocess
import sys

CORE = ("model", "loading", "addresses", "plan", "pages", "pdf_facts", "diagrams",
        "formatting", "pdf", "pdf_batch", "timetable", "records", "submission",
        "withholding", "datafiles", "defaults", "output", "schema")


def test_the_core_imports_nothing_of_mkdocs_or_material() -> None:
    imports = "; ".join(f"import strategy_site.{name}" for name in CORE)
    engines = ("mkdocs", "material", "properdocs")
    run = subprocess.run(
        [sys.executable, "-c", f"import sys; {imports}; print(sorted({{m.split('.')[0] for m "
                               f"in sys.modules if m.split('.')[0] in {engines!r}}}))"],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]", run.stdout


def test_the_adapters_do() -> None:
    """The check above can fail: the plugin's own module brings MkDocs in."""
    run = subprocess.run([sys.executable, "-c", "import sys, strategy_site.plugin; "
                                                "print('mkdocs' in sys.modules)"],
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "True", run.stderr
