"""The calendar link's settings form."""

from __future__ import annotations

from wtforms import BooleanField

from recovery.forms import MendForm


class TitlesForm(MendForm):
    """Whether the feed shows real commitment titles (off by default, for lock screens)."""

    real_titles = BooleanField("Show the real names of my commitments")
