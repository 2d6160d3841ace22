"""Run a bench script inside the project's .venv, setting it up first as manage.py does.

Standard library only: this runs under whatever `python3` started the script.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def ensure_venv(script: str) -> None:
    """Return at once inside .venv; otherwise set it up with manage.py's bootstrap and run `script` again there."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    sys.path.insert(0, str(ROOT))
    import manage  # the project's bootstrap: creates .venv and installs requirements when they changed

    try:
        manage.bootstrap()
    except manage.BootstrapError as exc:
        sys.exit(f"{Path(script).name}: {exc}")
    os.execv(str(manage.VENV_PYTHON), [str(manage.VENV_PYTHON), script, *sys.argv[1:]])
