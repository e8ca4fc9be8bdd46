#!/usr/bin/env python3
"""The accessibility gate on this repository's site (`make a11y`): the packaged gate
(plugins/strategy_site/gate/a11y_check.py), with its Node packages in this checkout's
node_modules/, where `make` installs them. A council's site runs `strategy-site gate`."""

import os
import sys
from pathlib import Path

os.environ.setdefault("STRATEGY_SITE_GATE_DIR", str(Path(__file__).resolve().parent.parent))

from strategy_site.gate.a11y_check import main  # after the tools' folder is set

if __name__ == "__main__":
    sys.exit(main())
