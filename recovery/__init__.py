"""Mend: rebuilding trust after substance use, together and at each person's pace."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from recovery.config import Defaults, weak_secret_key

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def normalize_database_url(url: str) -> str:
    """Point PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _load_config(app: Flask, test_config: dict | None) -> None:
    """Layer the configuration: code defaults, instance/config.py, environment, then a test's dict."""
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("MEND")
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    else:
        app.config.update(test_config)
    # Numbers from the environment are seconds.
    for key, value in list(app.config.items()):
        if isinstance(getattr(Defaults, key, None), timedelta) and isinstance(value, int | float):
            app.config[key] = timedelta(seconds=value)


def _secret_key(app: Flask) -> str:
    """Return the configured secret key, or make one in instance/ for local use."""
    key = app.config.get("SECRET_KEY")
    if app.config["PRODUCTION"]:
        if weak_secret_key(key):
            raise RuntimeError(
                "Mend is in production mode but has no strong secret key (at least 32 characters, random, "
                "not a repeated pattern). Set MEND_SECRET_KEY to a long random value, e.g. the output of: "
                "python3 -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return key
    if key:
        return key
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the Mend application."""
    instance_path = os.environ.get("MEND_INSTANCE_PATH") or str(ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _load_config(app, test_config)
    app.config["SECRET_KEY"] = _secret_key(app)
    # BASE_URL for links that leave the page; in production also the trusted Host names.
    from recovery import urls

    urls.configure(app)
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = bool(app.config["PRODUCTION"])
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_ABSOLUTE_TIMEOUT"]
    if app.config["PRODUCTION"]:
        app.config["DEBUG"] = False
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or f"sqlite:///{Path(app.instance_path) / 'mend.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(uri)
    engine_options = {"hide_parameters": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    if not uri.startswith("sqlite"):
        engine_options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options

    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    # Check every conversation script now, in every language: a broken file stops start-up, naming the file
    # and field.
    from recovery.conversations import library

    for language in library.languages():
        library.library(language)

    _init_extensions(app)
    _register_blueprints(app)
    _init_templates(app)

    from recovery import cli, errors, logs, security, widgets

    logs.install()
    widgets.install()  # WTForms' field attributes, written without Python-level formatting

    errors.init_app(app)
    security.init_app(app)
    from recovery.supporters import gate

    gate.init_app(app)  # a supporter reaches only the pages meant for supporters
    cli.init_app(app)
    # Outermost, around ProxyFix too: whatever escapes Flask still gets a kind page with the headers.
    app.wsgi_app = errors.LastResort(app.wsgi_app, app)
    return app


def _init_extensions(app: Flask) -> None:
    # Import every model so the metadata is complete for Alembic and for the app.
    from recovery import models  # noqa: F401
    from recovery.accounts import auth
    from recovery.db import configure_sqlite, end_request_session, finish_request
    from recovery.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    from recovery import i18n

    i18n.init_app(app)
    auth.init_app(app)
    # Registered first, so it runs last of the after-request hooks: the request's one commit (or rollback).
    app.after_request(finish_request)
    # Registered after Flask-SQLAlchemy's, so it runs first: a failed rollback never escapes teardown.
    app.teardown_appcontext(end_request_session)
    from recovery import jobs, mail  # noqa: F401  (mail declares its job)
    from recovery.notifications import tasks  # noqa: F401  (declares the reminder jobs)

    # The job queue, once every module that declares jobs is imported: mail and push leave after the commit.
    jobs.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from recovery.accounts.routes import bp as accounts_bp
    from recovery.amends.routes import bp as amends_bp
    from recovery.boundaries.routes import bp as boundaries_bp
    from recovery.calendar.routes import bp as calendar_bp
    from recovery.circle.routes import bp as circle_bp
    from recovery.conversations.routes import bp as conversations_bp
    from recovery.dashboards.routes import bp as dashboards_bp
    from recovery.findhelp.routes import bp as findhelp_bp
    from recovery.notifications.push_routes import bp as push_bp
    from recovery.notifications.routes import bp as notifications_bp
    from recovery.pages.routes import bp as pages_bp
    from recovery.plan.routes import bp as plan_bp
    from recovery.pwa.routes import bp as pwa_bp
    from recovery.supporters import routes as supporters_routes
    from recovery.tracker.routes import bp as tracker_bp
    from recovery.trust.routes import bp as trust_bp
    from recovery.wellbeing.routes import bp as wellbeing_bp

    supporters_routes.load_views()
    supporters_bp = supporters_routes.bp

    blueprints = (pages_bp, accounts_bp, circle_bp, dashboards_bp, tracker_bp, calendar_bp, trust_bp, amends_bp,
                  boundaries_bp, conversations_bp, notifications_bp, push_bp, pwa_bp, plan_bp,
                  findhelp_bp, wellbeing_bp, supporters_bp)
    from recovery import converters

    converters.init_app(app)  # `<int:...>` is a record id in range (404 otherwise); before any rule is added
    for bp in blueprints:
        app.register_blueprint(bp)
    from recovery import yourdata

    yourdata.load_features(app)  # each feature's data.py registers its part of the export and of deletion


def _init_templates(app: Flask) -> None:
    from recovery import templating

    templating.init_app(app)
