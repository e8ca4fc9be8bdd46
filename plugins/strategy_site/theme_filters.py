"""Jinja filters for the theme overrides in `theme/` (Material's templates, mended).

Material includes its icons as bare `<svg>` files. Inside a button or link that has a name of
its own, an icon is decoration, and an SVG without `aria-hidden` is announced as an unnamed
image (IBM Equal Access svg_graphics_labelled). The overrides wrap each icon's include in
`{% filter decorative_icon %}` rather than copying every icon file.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from .formatting import language_name

_SVG_START = re.compile(r"<svg(?=[\s>])")


def decorative_icon(svg: str) -> Markup:
    """The icon's SVG hidden from assistive technology and out of the tab order."""
    return Markup(_SVG_START.sub('<svg aria-hidden="true" focusable="false"', str(svg), count=1))


FILTERS = {"decorative_icon": decorative_icon, "language_name": language_name}
"""The filters the theme overrides use, by name."""
