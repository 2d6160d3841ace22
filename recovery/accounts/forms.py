"""Forms for accounts."""

from __future__ import annotations

import json

from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from recovery import helplines
from recovery.accounts.models import ROLES, SUPPORTER_KINDS
from recovery.forms import MendForm, TimezoneField, choice_list, no_control_chars, strip_filter
from recovery.i18n import lazy_gettext as _l
from recovery.timezones import timezone_names

NAME = [InputRequired(_l("Please tell us what to call you.")),
        Length(max=60, message=_l("Please keep your name to 60 characters or fewer.")), no_control_chars]
EMAIL = [InputRequired(_l("Please enter your email address.")),
         Length(max=254, message=_l("That email address is too long.")),
         Email(_l("That doesn't look like an email address. Please check it."))]
NEW_PASSWORD = [InputRequired(_l("Please choose a password.")),
                Length(max=1024, message=_l("Please use 128 characters or fewer."))]
REPEAT = [InputRequired(_l("Please type the password again.")),
          EqualTo("password", _l("The two passwords don't match. Please type them again."))]


COUNTRY_MESSAGE = _l("Please choose a country from the list, or “Somewhere else”.")
LANGUAGE_MESSAGE = _l("Please choose a language from the list.")


class LanguageField(SelectField):
    """The language of a person's pages and of everything Mend sends them: one the host offers
    (i18n.fit_form fills the list, or takes the field away when the host offers one language only).

    A form posted without the field (a page from before the host offered a second language) keeps the stored
    language, or at sign-up takes the browser's; a value the host doesn't offer is refused."""

    def __init__(self, label=None, **kwargs):
        label = label or _l("Language")
        kwargs.setdefault("description", _l("Mend's pages, emails and reminders come in this language."))
        super().__init__(label, choices=[], validate_choice=False, **kwargs)

    def pre_validate(self, form):
        if self.raw_data and self.data not in {value for value, _label in self.choices}:
            raise ValidationError(LANGUAGE_MESSAGE)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if not valuelist:
            self.data = None


def _country_code(value):
    return value.strip().upper() if isinstance(value, str) else value


class CountryField(SelectField):
    """The country whose help lines Mend shows: one of the listed ones, or "Somewhere else" (ZZ).

    A form posted without the field keeps the stored value ("" means the server's country).
    """

    def __init__(self, label=None, **kwargs):
        label = label or _l("Country")
        kwargs.setdefault("description", _l("Mend shows help lines for this country on every page."))
        super().__init__(label, choices=choice_list(helplines.country_choices()), validate_choice=False,
                         filters=[_country_code], default="", **kwargs)

    def pre_validate(self, form):
        if self.data not in ("", *helplines.OFFERED):
            raise ValidationError(COUNTRY_MESSAGE)


OTHER_ZONES = _l("Every other time zone")


class ZoneField(TimezoneField):
    """A time zone menu that lists the common zones of the chosen country first, then every other zone."""

    def list_first(self, country: str | None) -> None:
        """Put the common zones of this country (a code, or "" for the server's) at the top of the menu."""
        common = helplines.common_zones(country or helplines.server_country())
        if not common:
            return
        first = {zone for zone, _ in common}
        rest = [(n, n.replace("_", " ")) for n in timezone_names() if n not in first]
        heading = helplines.common_zones_heading(country or helplines.server_country())
        self.choices = {heading: choice_list(common), str(OTHER_ZONES): choice_list(rest)}


def common_zones_json() -> str:
    """Every country's common zones, for mend.js to reorder the menu when the country changes."""
    countries = {code: {"heading": helplines.common_zones_heading(code), "zones": helplines.common_zones(code)}
                 for code in helplines.OFFERED if helplines.common_zones(code)}
    return json.dumps({"other": str(OTHER_ZONES), "countries": countries})


class RegisterForm(MendForm):
    """Create an account."""

    display_name = StringField(_l("What should we call you?"), NAME, filters=[strip_filter],
                               description=_l("A first name or nickname is fine. People you connect with will see it."))
    email = EmailField(_l("Email"), EMAIL, filters=[strip_filter],
                       description=_l("Used to log in and to reset your password. Never shown to anyone."))
    role = RadioField(_l("I am…"), choices=choice_list(ROLES.items()),
                      validators=[InputRequired(_l("Please choose one."))])
    supporter_kind = SelectField(_l("If you're a supporter: what kind?"),
                                 choices=choice_list([("", _l("Choose one")), *SUPPORTER_KINDS.items()]), default="",
                                 description=_l("Only for supporters. People who choose you will see it."))
    language = LanguageField(_l("Which language should Mend use?"))
    timezone = ZoneField(description=_l("So 'today' in Mend matches your day."))
    country = CountryField(_l("Where do you live?"), description=_l(
        "So the help lines Mend shows are ones you can call. You can change it later."))
    password = PasswordField(_l("Password"), NEW_PASSWORD,
                             description=_l("At least 12 characters. A short sentence you'll remember works well."))
    password_again = PasswordField(_l("Type the password again"), REPEAT)


class LoginForm(MendForm):
    """Log in."""

    email = EmailField(_l("Email"), [InputRequired(_l("Please enter your email address.")),
                                 Length(max=254, message=_l("That email address is too long."))],
                       filters=[strip_filter])
    password = PasswordField(_l("Password"), [InputRequired(_l("Please enter your password.")),
                                          Length(max=1024, message=_l("That password is too long."))])


class ProfileForm(MendForm):
    """Change name, time zone and country."""

    display_name = StringField(_l("Your name"), NAME, filters=[strip_filter])
    language = LanguageField()
    timezone = ZoneField()
    country = CountryField()


class PasswordChangeForm(MendForm):
    """Change the password, knowing the current one."""

    current_password = PasswordField(_l("Current password"), [
        InputRequired(_l("Please enter your current password.")), Length(max=1024)])
    new_password = PasswordField(_l("New password"), NEW_PASSWORD,
                                 description=_l("At least 12 characters. Your other devices will be logged out."))
    new_password_again = PasswordField(_l("Type the new password again"), [
        InputRequired(_l("Please type the new password again.")),
        EqualTo("new_password", _l("The two passwords don't match. Please type them again.")),
    ])


class EmailChangeForm(MendForm):
    """Change the email address after re-entering the password."""

    email = EmailField(_l("New email"), EMAIL, filters=[strip_filter])
    password = PasswordField(_l("Your password"), [InputRequired(_l("Please enter your password to confirm.")),
                                                   Length(max=1024)])


class ResetRequestForm(MendForm):
    """Ask for a password reset link."""

    email = EmailField(_l("Email"), EMAIL, filters=[strip_filter])


class ResetForm(MendForm):
    """Choose a new password with a reset link."""

    password = PasswordField(_l("New password"), NEW_PASSWORD, description=_l("At least 12 characters."))
    password_again = PasswordField(_l("Type it again"), REPEAT)




class ExportForm(MendForm):
    """Confirm it's you before downloading everything."""

    password = PasswordField(_l("Your password"), [InputRequired(_l("Please enter your password to confirm.")),
                                                   Length(max=1024)])


class DeleteForm(MendForm):
    """Delete the account, after the password and a typed confirmation."""

    password = PasswordField(_l("Your password"), [InputRequired(_l("Please enter your password to confirm.")),
                                                   Length(max=1024)])
    confirm = StringField(_l("Type DELETE to confirm"), [InputRequired(_l("Please type DELETE to confirm.")),
                                                         Length(max=20)], filters=[strip_filter])
