"""How each area shows itself to someone it is shared with.

A feature registers one view per area; the circle's shared-area route has already
passed the viewer through the permission door (permissions.shared_through) and hands
the view its pass, so a registered view only loads (with that pass) and renders.
"""

from __future__ import annotations

from collections.abc import Callable

from recovery.circle.permissions import Access

# area key -> view(access) returning a response body
SHARED_VIEWS: dict[str, Callable[[Access], object]] = {}


def shared_view(area: str):
    """Register the function that renders `area` for a viewer it is shared with."""

    def register(func):
        SHARED_VIEWS[area] = func
        return func

    return register
