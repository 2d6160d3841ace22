"""Command-line tools: `flask --app app reset-link EMAIL`, `demo` and `backup DEST`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump with a fixed argument list, never a shell
from pathlib import Path

import click
from flask import Flask, current_app, url_for

from recovery.db import db


def init_app(app: Flask) -> None:
    """Register the commands."""

    @app.cli.command("reset-link")
    @click.argument("email")
    @click.option("--base-url", default=None,
                  help="The address people use to reach this Mend server (default: MEND_BASE_URL).")
    def reset_link(email: str, base_url: str | None) -> None:
        """Print a one-time password reset link for EMAIL (for servers that can't send email)."""
        from recovery.accounts import services

        user = services.find_user_by_email(email)
        if user is None:
            raise click.ClickException("No account uses that email address.")
        token = services.create_reset_token(user)
        db.session.commit()
        if base_url:
            with current_app.test_request_context():
                link = base_url.rstrip("/") + url_for("accounts.reset", token=token)
        else:
            from recovery.urls import external_url

            link = external_url("accounts.reset", token=token)
        hours = current_app.config["RESET_TOKEN_LIFETIME"].total_seconds() / 3600
        click.echo(f"Give this link to {user.display_name} privately. It works once, for {hours:g} hour(s):")
        click.echo(link)

    supporters = click.Group("supporters", help="Supporters' accounts (for hosts that approve supporters).")
    app.cli.add_command(supporters)

    @supporters.command("approve")
    @click.argument("email")
    def approve_supporter(email: str) -> None:
        """Approve the supporter with this EMAIL, so people can connect with them."""
        from recovery.errors import NotFound
        from recovery.supporters import services

        try:
            user = services.approve(email)
        except NotFound:
            raise click.ClickException("No supporter's account uses that email address.") from None
        db.session.commit()
        click.echo(f"Approved {user.display_name} ({user.kind_label}).")

    @app.cli.command("demo")
    @click.option("--password", default=None, help="Password for the demo accounts (default: printed).")
    @click.option("--lang", "language", default="",
                  help="The language the demo's people use and write in (one this host offers, e.g. es).")
    def demo(password: str | None, language: str) -> None:
        """Create a demo circle: a person in recovery, three loved ones with different sharing, and a counsellor."""
        from recovery import i18n
        from recovery.demo import create_demo

        if current_app.config["PRODUCTION"]:
            raise click.ClickException("The demo refuses to run in production mode.")
        if language and not i18n.normalize(language):
            raise click.ClickException(f"This host doesn't offer the language {language!r}: it offers "
                                       f"{', '.join(i18n.offered())} (MEND_LANGUAGES).")
        people, pw = create_demo(password, language=i18n.normalize(language))
        db.session.commit()
        from recovery.findhelp.demo import write_demo_local_help

        if write_demo_local_help(current_app.instance_path):
            click.echo("Wrote an example local help list to the instance folder (restart the server to see it).")
        click.echo("Demo circle ready. Log in at http://127.0.0.1:5000/login with any of:")
        for user in people:
            click.echo(f"  {user.email:<28} ({user.kind_label}, {user.display_name})")
        click.echo(f"Password for all of them: {pw}")

    @app.cli.command("backup")
    @click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
    def backup(destination: Path) -> None:
        """Copy the whole database to DESTINATION while Mend keeps running.

        SQLite: the online backup API gives a consistent copy even while workers write.
        PostgreSQL: runs `pg_dump --format=custom`; restore with `pg_restore`.
        """
        try:
            # Made private from its first byte (never chmod afterwards: a window where others could read it),
            # and never over an existing file (O_EXCL, which also follows no symlink there).
            os.close(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise click.ClickException(f"{destination} exists already; choose a new file name.") from None
        try:
            _backup_into(destination)
        except BaseException:
            destination.unlink(missing_ok=True)  # no half-written or empty backup left behind
            raise
        click.echo(f"Backed up to {destination}. Keep it as privately as the database.")


def _backup_into(destination: Path) -> None:
    """Write the database into the (empty, 0600) file at destination."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        with db.engine.connect() as conn:
            source = conn.connection.dbapi_connection
            target = sqlite3.connect(destination)
            try:
                source.backup(target)
            finally:
                target.close()
    elif url.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise click.ClickException("pg_dump was not found; install the PostgreSQL client tools.")
        env = {**os.environ, "PGPASSWORD": url.password or ""}
        args = [pg_dump, "--format=custom", "--no-owner", f"--file={destination}"]
        args += [f"--host={url.host}"] if url.host else []
        args += [f"--port={url.port}"] if url.port else []
        args += [f"--username={url.username}"] if url.username else []
        args += [url.database or ""]
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # nosec B603
        if done.returncode != 0:
            raise click.ClickException(f"pg_dump failed: {done.stderr.strip()}")
    else:
        raise click.ClickException(f"No backup method for {url.get_backend_name()} databases.")
