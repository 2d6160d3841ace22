"""gunicorn settings for Mend: `gunicorn -c gunicorn.conf.py app:app`.

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

bind = os.environ.get("MEND_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MEND_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Only the proxy in front of Mend may set X-Forwarded-*: see PROXY_FIX_HOPS in the README.
forwarded_allow_ips = os.environ.get("MEND_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# No query strings, referrers or user agents in the access log: they can carry personal data.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
preload_app = True


def post_fork(server, worker):
    """Give every worker its own database connections (SECURITY.md 22)."""
    from recovery.db import db

    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)


def when_ready(server):
    """Redact invitation and reset tokens from the access log; freeze the preloaded app before forking."""
    import gc

    from recovery import logs

    logs.install()
    # Everything the master loaded (the app, its templates, its modules) lives as long as the workers do.
    # Frozen, the garbage collector never walks it, so it never writes to those pages of memory and the
    # workers keep sharing them with the master instead of each copying them (about 18 MB a worker).
    gc.collect()
    gc.freeze()
