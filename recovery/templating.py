"""Template globals and filters."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, has_request_context, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from recovery.config import check_help_country
from recovery.helplines import FINDER, local_help
from recovery.i18n import format_day, page_language
from recovery.timezones import to_local


def localtime(instant: datetime | None, fmt: str = "%-d %b %Y, %-I:%M %p") -> str:
    """Show an instant in the signed-in user's time zone."""
    if instant is None:
        return ""
    tz = current_user.timezone if current_user.is_authenticated else current_app.config["DEFAULT_TIMEZONE"]
    return format_day(to_local(instant, tz), fmt)


# Links a page builds from an endpoint alone (or a static file's name) are the same on every page: a page
# shows some forty (the menu, the footer, style sheets and icons) and Flask builds each one anew. They are
# kept per script root (where a proxy mounts Mend), in a bounded table: a forged header can't grow it.
LINK_CACHE_SIZE = 1024


def cached_url_for(endpoint: str, **values) -> str:
    """Flask's url_for, remembering links that take no value but a static file's name."""
    if (values and values.keys() != {"filename"}) or endpoint[0] == "." or not has_request_context():
        return url_for(endpoint, **values)
    links = current_app.extensions.setdefault("mend_links", {})
    key = (request.script_root, endpoint, values.get("filename"))
    link = links.get(key)
    if link is None:
        link = url_for(endpoint, **values)
        if len(links) < LINK_CACHE_SIZE:
            links[key] = link
    return link


def site_footer() -> Markup:
    """Every page's footer (templates/_footer.html): the help lines of the reader's country. It depends only on
    the country, the page's language, whether someone is signed in (one link) and where Mend is mounted, so it
    is drawn once for each of those and kept, in a table no bigger than LINK_CACHE_SIZE."""
    here = local_help()
    signed_in = bool(current_user.is_authenticated)
    key = (here.code, page_language(), signed_in, request.script_root if has_request_context() else "")
    footers = current_app.extensions.setdefault("mend_footers", {})
    html = footers.get(key)
    if html is None:
        # Jinja's own output, autoescaped like any page: safe HTML.
        html = Markup(render_template("_footer.html", local_help=here, help_finder=FINDER))  # nosec B704
        if len(footers) < LINK_CACHE_SIZE:
            footers[key] = html
    return html


def init_app(app: Flask) -> None:
    """Register the filters and the values every page can use."""
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # The signed-in user as a template global (Flask-Login also puts it in each page's context): macro
    # files that use it can then be imported without "with context", which Jinja caches instead of
    # running the whole file again on every page.
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["url_for"] = cached_url_for
    app.jinja_env.globals["site_footer"] = site_footer
    app.config["HELP_COUNTRY"] = check_help_country(app.config["HELP_COUNTRY"])

    @app.context_processor
    def globals_():
        here = local_help()  # the user's own country, else the server's
        return {
            "local_help": here,
            "helplines": here.crisis,
            "help_finder": FINDER,
            "emergency_number": here.emergency_number,
            "quick_exit_url": app.config["QUICK_EXIT_URL"],
        }
