"""The accessibility gate, shipped in the package: `strategy-site gate` (or, in this repository,
scripts/a11y_check.py) checks every page and PDF of a built site."""
