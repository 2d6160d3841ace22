"""Forms for accounts."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from recovery.accounts.models import ROLES
from recovery.forms import MendForm, TimezoneField, choice_list, no_control_chars, strip_filter

NAME = [InputRequired("Please tell us what to call you."),
        Length(max=60, message="Please keep your name to 60 characters or fewer."), no_control_chars]
EMAIL = [InputRequired("Please enter your email address."),
         Length(max=254, message="That email address is too long."),
         Email("That doesn't look like an email address. Please check it.")]
NEW_PASSWORD = [InputRequired("Please choose a password."),
                Length(max=1024, message="Please use 128 characters or fewer.")]
REPEAT = [InputRequired("Please type the password again."),
          EqualTo("password", "The two passwords don't match. Please type them again.")]


class RegisterForm(MendForm):
    """Create an account."""

    display_name = StringField("What should we call you?", NAME, filters=[strip_filter],
                               description="A first name or nickname is fine. People you connect with will see it.")
    email = EmailField("Email", EMAIL, filters=[strip_filter],
                       description="Used to log in and to reset your password. Never shown to anyone.")
    role = RadioField("I am…", choices=choice_list(ROLES.items()),
                      validators=[InputRequired("Please choose one.")])
    timezone = TimezoneField(description="So 'today' in Mend matches your day.")
    password = PasswordField("Password", NEW_PASSWORD,
                             description="At least 12 characters. A short sentence you'll remember works well.")
    password_again = PasswordField("Type the password again", REPEAT)


class LoginForm(MendForm):
    """Log in."""

    email = EmailField("Email", [InputRequired("Please enter your email address."),
                                 Length(max=254, message="That email address is too long.")],
                       filters=[strip_filter])
    password = PasswordField("Password", [InputRequired("Please enter your password."),
                                          Length(max=1024, message="That password is too long.")])


class ProfileForm(MendForm):
    """Change name and time zone."""

    display_name = StringField("Your name", NAME, filters=[strip_filter])
    timezone = TimezoneField()


class PasswordChangeForm(MendForm):
    """Change the password, knowing the current one."""

    current_password = PasswordField("Current password", [InputRequired("Please enter your current password."),
                                                          Length(max=1024)])
    new_password = PasswordField("New password", NEW_PASSWORD,
                                 description="At least 12 characters. Your other devices will be logged out.")
    new_password_again = PasswordField("Type the new password again", [
        InputRequired("Please type the new password again."),
        EqualTo("new_password", "The two passwords don't match. Please type them again."),
    ])


class EmailChangeForm(MendForm):
    """Change the email address after re-entering the password."""

    email = EmailField("New email", EMAIL, filters=[strip_filter])
    password = PasswordField("Your password", [InputRequired("Please enter your password to confirm."),
                                               Length(max=1024)])


class ResetRequestForm(MendForm):
    """Ask for a password reset link."""

    email = EmailField("Email", EMAIL, filters=[strip_filter])


class ResetForm(MendForm):
    """Choose a new password with a reset link."""

    password = PasswordField("New password", NEW_PASSWORD, description="At least 12 characters.")
    password_again = PasswordField("Type it again", REPEAT)




class ExportForm(MendForm):
    """Confirm it's you before downloading everything."""

    password = PasswordField("Your password", [InputRequired("Please enter your password to confirm."),
                                               Length(max=1024)])


class DeleteForm(MendForm):
    """Delete the account, after the password and a typed confirmation."""

    password = PasswordField("Your password", [InputRequired("Please enter your password to confirm."),
                                               Length(max=1024)])
    confirm = StringField("Type DELETE to confirm", [InputRequired("Please type DELETE to confirm."),
                                                     Length(max=20)], filters=[strip_filter])
