"""Command-line tools: `flask --app app reset-link EMAIL` and `flask --app app demo`."""

from __future__ import annotations

import click
from flask import Flask, current_app, url_for

from recovery.db import db


def init_app(app: Flask) -> None:
    """Register the commands."""

    @app.cli.command("reset-link")
    @click.argument("email")
    @click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
                  help="The address people use to reach this Mend server.")
    def reset_link(email: str, base_url: str) -> None:
        """Print a one-time password reset link for EMAIL (for servers that can't send email)."""
        from recovery.accounts import services

        user = services.find_user_by_email(email)
        if user is None:
            raise click.ClickException("No account uses that email address.")
        token = services.create_reset_token(user)
        db.session.commit()
        with current_app.test_request_context():
            link = base_url.rstrip("/") + url_for("accounts.reset", token=token)
        hours = current_app.config["RESET_TOKEN_LIFETIME"].total_seconds() / 3600
        click.echo(f"Give this link to {user.display_name} privately. It works once, for {hours:g} hour(s):")
        click.echo(link)

    @app.cli.command("demo")
    @click.option("--password", default=None, help="Password for the demo accounts (default: printed).")
    def demo(password: str | None) -> None:
        """Create a demo circle: one person in recovery and two loved ones with different sharing."""
        from recovery.demo import create_demo

        if current_app.config["PRODUCTION"]:
            raise click.ClickException("The demo refuses to run in production mode.")
        people, pw = create_demo(password)
        db.session.commit()
        click.echo("Demo circle ready. Log in at http://127.0.0.1:5000/login with any of:")
        for user in people:
            click.echo(f"  {user.email:<28} ({user.role_label}, {user.display_name})")
        click.echo(f"Password for all three: {pw}")
