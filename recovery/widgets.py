"""WTForms' HTML attributes, written faster: the same output, without Python-level string formatting.

WTForms builds every attribute of every field with `Markup('{k}="{v}"').format(...)`, which runs
markupsafe's escaping formatter in Python for each one. A page with many small forms (the home's
check-ins, a commitment's days) renders hundreds of attributes; this does the same work with
markupsafe's C escaping and one join. `install()` puts it in place of WTForms' `html_params` (used by
every widget); tests/test_widgets.py holds the output to the original's for any attributes.
"""

from __future__ import annotations

import wtforms.widgets
from markupsafe import Markup, escape
from wtforms.widgets import core

_original = core.html_params


def _clean_key(key: str) -> str:
    key = key.rstrip("_")
    if key.startswith(("data_", "aria_")):
        key = key.replace("_", "-")
    return key


def html_params(**kwargs) -> Markup:
    """Attributes as HTML, sorted by name: `True` alone, `False` left out, every value escaped."""
    params = []
    for k, v in sorted(kwargs.items()):
        if v is True:
            params.append(str(escape(_clean_key(k))))
        elif v is not False:
            value = str(escape(v)).replace('"', "&quot;")  # a value that was Markup may hold a raw quote
            params.append(f'{escape(_clean_key(k))}="{value}"')
    # Every name and value above went through markupsafe's escape: the joined text is safe HTML.
    return Markup(" ".join(params))  # nosec B704 - built only from escaped parts (tests/test_widgets.py)


def install() -> None:
    """Put the fast version everywhere WTForms looks it up: its module (text areas, selects, lists), the
    package that re-exports it (labels), and the widgets that keep it as their own static method (every
    input and button)."""
    core.html_params = html_params
    wtforms.widgets.html_params = html_params
    for widget in vars(core).values():
        if isinstance(widget, type) and "html_params" in vars(widget):
            widget.html_params = staticmethod(html_params)
