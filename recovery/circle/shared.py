"""How each area shows itself to someone it is shared with.

A feature registers one view per area; the circle's shared-area route has already
passed the viewer through the permission door (permissions.require_view) before
calling it, so a registered view only loads and renders.
"""

from __future__ import annotations

from collections.abc import Callable

from recovery.accounts.models import User
from recovery.circle.models import Connection

# area key -> view(viewer, owner, connection) returning a response body
SHARED_VIEWS: dict[str, Callable[[User, User, Connection], object]] = {}


def shared_view(area: str):
    """Register the function that renders `area` for a viewer it is shared with."""

    def register(func):
        SHARED_VIEWS[area] = func
        return func

    return register
