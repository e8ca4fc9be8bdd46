"""The core imports nothing of the site engine: only the adapters (the MkDocs plugin, its
options and the command line) may, so a council can move engine (MkDocs, ProperDocs, ...)
without the model, loading, rendering, PDFs or the timetable moving with it.

Each core module is imported in a fresh interpreter where `mkdocs`, `material` and
`properdocs` cannot be imported: an import finder refuses them and records which module of
the package asked, also when that module catches the ImportError."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import strategy_site

ADAPTERS = {"strategy_site.plugin", "strategy_site.page_conversion", "strategy_site.config",
            "strategy_site.cli"}
"""The modules that translate between an engine and the core, and may import it."""
ENGINES = ("mkdocs", "material", "properdocs")


def core_modules() -> list[str]:
    """Every module of the package, subpackages included, but the adapters: computed, so a
    new module is covered the day it is added."""
    found = pkgutil.walk_packages(strategy_site.__path__, prefix="strategy_site.")
    return sorted({"strategy_site", *(m.name for m in found)} - ADAPTERS)


_PROBE = """
import importlib, json, sys

ENGINES = set(json.loads(sys.argv[1]))
asked = {}


class Refuse:
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] not in ENGINES:
            return None
        frame = sys._getframe(1)
        while frame is not None:
            name = frame.f_globals.get("__name__", "")
            if name == "strategy_site" or name.startswith("strategy_site."):
                asked.setdefault(name, set()).add(fullname)
                break
            frame = frame.f_back
        else:
            asked.setdefault("(outside the package)", set()).add(fullname)
        raise ImportError(f"{fullname} is not importable here")


sys.meta_path.insert(0, Refuse())
failed = {}
for module in json.loads(sys.argv[2]):
    try:
        importlib.import_module(module)
    except Exception as error:
        failed[module] = f"{type(error).__name__}: {error}"
print(json.dumps({"asked": {k: sorted(v) for k, v in asked.items()}, "failed": failed}))
"""


def engine_imports(modules: list[str]) -> dict[str, dict[str, list[str] | str]]:
    """Import `modules` in a fresh interpreter that has no engine; which of the package's
    modules asked for one (and what), and which modules failed to import (and why)."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(ENGINES), json.dumps(modules)],
        capture_output=True, text=True, check=True, timeout=120)
    result: dict[str, dict[str, list[str] | str]] = json.loads(done.stdout)
    return result


def test_the_core_is_every_module_but_the_adapters() -> None:
    modules = core_modules()
    assert "strategy_site.model" in modules and "strategy_site.pdf_batch" in modules
    assert "strategy_site.gate.pdf_checks" in modules  # subpackages too
    assert not ADAPTERS & set(modules)


def test_no_core_module_imports_the_engine() -> None:
    found = engine_imports(core_modules())
    assert found["asked"] == {}, (
        f"core modules that import the site engine ({', '.join(ENGINES)}); only "
        f"{', '.join(sorted(ADAPTERS))} may: {found['asked']}")
    assert found["failed"] == {}, found["failed"]


def test_the_probe_names_a_module_that_imports_the_engine() -> None:
    """The probe itself can fail: the plugin's options module imports MkDocs, and is named."""
    found = engine_imports(["strategy_site.config"])
    assert "strategy_site.config" in found["asked"]
    assert "mkdocs" in found["asked"]["strategy_site.config"]
