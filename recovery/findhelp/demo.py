"""A local help list for a demo server: believable places in a made-up town, with made-up numbers.

The numbers are in the 555-0100 to 555-0199 range, which North American phone companies keep for
stories and examples: nobody answers them.
"""

from __future__ import annotations

from pathlib import Path

from recovery.findhelp.local_list import FILE_NAME, parse

DEMO_LOCAL_HELP = """\
# The demo server's local help list (written by `flask --app app demo`). The places and numbers are made up.
# The file's rules: docs/local_help.example.toml and recovery/findhelp/local_list.py.

[[help]]
name = "Riverside Tuesday Night Group"
what = "An open AA meeting. Anyone who wants to stop drinking is welcome, and you can just listen."
address = "St. Mark's Church hall, 14 Elm Street, Riverside (side door)"
hours = "Tuesdays, 7 pm to 8 pm"
meeting = true
for = "person"

[[help]]
name = "Riverside Recovery Community Center"
what = "Peer support, SMART Recovery meetings and a quiet place to be. Walk in, no appointment needed."
phone = "(212) 555-0143"
address = "220 Main Street, Riverside"
hours = "Monday to Saturday, 9 am to 9 pm"

[[help]]
name = "Thursday Family Group"
what = "A Nar-Anon meeting for family and friends of someone who uses drugs. Newcomers are welcome."
address = "Riverside Library, Room B, 5 Oak Avenue"
hours = "Thursdays, 6:30 pm to 7:30 pm"
meeting = true
for = "loved_one"

[[help]]
name = "Riverside Counseling Clinic"
what = "Counseling for people in recovery and their families, including family sessions. Fees go by income."
phone = "(212) 555-0171"
address = "88 River Road, Suite 2, Riverside"
hours = "Weekdays, 8 am to 6 pm"
"""


def write_demo_local_help(instance_path: str | Path) -> Path | None:
    """Write the demo's local help list into the instance folder, unless the host already has one.

    Returns the file written, or None when a local_help.toml was already there (it is the host's, and
    is never overwritten). The server reads the file when it starts: restart it to see the list.
    """
    parse(DEMO_LOCAL_HELP)  # never write a file that would stop the next start
    path = Path(instance_path) / FILE_NAME
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DEMO_LOCAL_HELP, encoding="utf-8")
    return path
