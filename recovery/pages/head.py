"""What a page's <head> says to browsers and search engines: descriptions, robots.txt, which sheets.

- Public pages carry a short description (search results show it); pages behind a login are kept
  out of search engines twice: robots.txt lists only the public pages, and each page shown to a
  logged-in person says `noindex` (templates/base.html).
- /robots.txt is a static file (static/robots.txt), served at the site's root under the `static`
  endpoint, so it is neither a page nor a route to check for permissions.
- base.html links tracker.css only on the pages drawn from the folders below (the rest of Mend
  needs nothing from it): it learns which template a page is drawn from here.
"""

from __future__ import annotations

from flask import Flask, before_render_template

from recovery.i18n import lazy_gettext as _l

# Public pages: endpoint -> what a search result says about the page (plain words, < 160 characters).
DESCRIPTIONS: dict[str, str] = {  # lazy: read in the page's language
    "pages.index": _l("Mend helps a person in recovery and the people who love them rebuild trust: small "
                      "promises kept, amends, boundaries and hard talks, shared only as you choose."),
    "accounts.login": _l("Log in to Mend, a private place where a person in recovery and their loved ones rebuild "
                         "trust, one step at a time."),
    "accounts.register": _l("Join Mend: keep small promises, plan amends and hard talks, set boundaries, and share "
                            "only what you choose with the people you love."),
    "accounts.reset_request": _l("Forgot your Mend password? Ask for a link to choose a new one."),
    "pages.help": _l("Help right now: crisis lines for your country, and where to find treatment, counselling and "
                     "support groups for a person in recovery and their family."),
    "pages.overdose": _l("What to do in an overdose, step by step: call for help, give naloxone, keep the person "
                         "breathing and stay with them."),
    "pages.safe_at_home": _l("If you are not safe at home: lines that help with violence and abuse, and how to use "
                             "Mend safely on a shared phone or computer."),
    "pages.relapse": _l("Setbacks and relapse: early warning signs, what helps, and what a loved one can do, in "
                        "plain words."),
    "pages.treatment": _l("How to find treatment for drug or alcohol use in your country: the kinds of care, the "
                          "medicines that help, and free lines to call."),
    "pages.young_people": _l("For children and teenagers when someone at home drinks or uses drugs: it is not your "
                             "fault, and here is who you can talk to."),
    "pages.privacy": _l("How Mend keeps things private: what it keeps, who can see it, and how you choose what "
                        "the people in your circle see."),
}

# Templates in these folders use the tracker's look (its check-in buttons, heat map, score).
TRACKER_SHEET_FOLDERS = ("tracker/", "dashboards/")


def _note_template(sender: Flask, template, context: dict, **extra) -> None:
    """Tell base.html which template the page is drawn from (includes and imports don't count)."""
    context.setdefault("page_template", template.name or "")


def init_app(app: Flask) -> None:
    """Serve /robots.txt, describe public pages and tell base.html which sheets a page needs."""
    # A second rule for the static endpoint: url_for('static', filename='robots.txt') still works.
    app.add_url_rule("/robots.txt", endpoint="static", defaults={"filename": "robots.txt"})
    before_render_template.connect(_note_template, app)

    @app.context_processor
    def head():
        from flask import request

        description = DESCRIPTIONS.get(request.endpoint or "")
        return {"page_description": str(description) if description else None,
                "tracker_sheet_folders": TRACKER_SHEET_FOLDERS}
