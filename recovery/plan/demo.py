"""Demo data for the plan for hard days: Jordan's filled plan, shared with Sam (recovery/demo.py calls this)."""

from __future__ import annotations

from flask_babel import gettext as _

from recovery.accounts.models import User
from recovery.circle import services as circle
from recovery.circle.models import Connection
from recovery.circle.permissions import shared_areas
from recovery.plan import services
from recovery.plan.sections import BY_KEY


def add_demo(people: dict[str, User], connections: dict[str, Connection]) -> None:
    """Jordan writes a plan for hard days and shares it with Sam. Only flushes."""
    jordan, with_sam = people["jordan"], connections["sam"]
    services.save_lines(jordan, BY_KEY["warning-signs"], "\n".join([
        _("I stop answering texts from Sam and Pat."),
        _("I tell myself “just one won't hurt”."),
        _("I skip meals and stay up late."),
        _("Payday, when I'm alone in the evening."),
    ]))
    services.save_triggers(jordan, [
        (_("Friday night after work"), _("Go straight home and call Sam on the way.")),
        (_("Driving past the bar on Main Street"), _("Take the long way, past the park.")),
        (_("A fight with Pat"), _("Step outside for ten minutes before I answer.")),
    ])
    services.save_lines(jordan, BY_KEY["on-my-own"], "\n".join([
        _("Call my sponsor on Sundays, even when I'm fine."),
        _("Walk around the block and count my steps."),
        _("Wait 20 minutes and watch the urge pass."),
        _("Make tea and play one song loud."),
    ]))
    services.save_lines(jordan, BY_KEY["people-and-places"], "\n".join([
        _("The library on Elm Street."), _("Sam's sister's kitchen."), _("The Tuesday night meeting."),
    ]))
    services.save_helpers(jordan, [
        services.Person(with_sam.id, "", "555 0100"),
        services.Person(None, _("Alex, my sponsor"), "555 0199"),
    ])
    services.save_professionals(jordan, [(_("Dr. Rivera, my counsellor"), "555 0142"),
                                         (_("Oak Street clinic (weekdays)"), "")])
    services.save_lines(jordan, BY_KEY["safer"], "\n".join([
        _("No alcohol in the house."), _("Delete the numbers I used to buy from."),
        _("Give my bank card to Sam on Fridays."),
    ]))
    services.save_lines(jordan, BY_KEY["reasons"], "\n".join([
        _("Casey's school play in the spring."), _("Waking up with a clear head."),
        _("The trust I'm building back with Sam."),
    ]))
    services.save_note(jordan, _("If I text “hard night”, please call me, even if it's late. Don't lecture me: "
                                 "just stay on the phone or come sit with me for a while. If I don't answer for a "
                                 "day, check in with a short text."))
    circle.set_sharing(jordan, with_sam, shared_areas(with_sam, jordan.id) | {"plan"})
