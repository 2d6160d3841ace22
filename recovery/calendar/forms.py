"""The calendar link's settings form."""

from __future__ import annotations

from wtforms import BooleanField

from recovery.forms import MendForm
from recovery.i18n import lazy_gettext as _l


class TitlesForm(MendForm):
    """Whether the feed shows real commitment titles (off by default, for lock screens)."""

    real_titles = BooleanField(_l("Show the real names of my commitments"))
