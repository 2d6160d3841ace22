"""gunicorn settings for the hello baseline: the project's gunicorn.conf.py, minus its database hook.

Every setting (workers, sync worker class, keep-alive, access log and its format, preload,
the log-redacting `when_ready` hook) is read from the project's file, so the baseline runs
under exactly what Mend runs under. Only `post_fork` is left out: it resets Mend's database
pool, and the hello app has no database.
"""

import runpy
from pathlib import Path

_project = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
globals().update({name: value for name, value in _project.items()
                  if not name.startswith("_") and name not in ("post_fork", "multiprocessing", "os")})
