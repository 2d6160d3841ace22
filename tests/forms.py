"""Fill a form from a page's HTML, the way a browser would, so route tests post only real fields.

    data = form_data(page_html, action="/amends/7/safety", safety_no_contact="yes")
    client.post("/amends/7/safety", data=data)

The defaults are what the page shows (inputs with their values, checked radios and boxes,
selected options, textarea text); each override must name a field the form really has, and
a choice must be one the form offers — otherwise the test fails, as a user would.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Form:
    def __init__(self, attrs: dict):
        self.action = attrs.get("action") or ""
        self.fields: dict[str, list[str]] = {}
        self.options: dict[str, set[str]] = {}
        self.names: set[str] = set()


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = _Form(a)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            form.names.add(name)
            if kind in ("radio", "checkbox"):
                form.options.setdefault(name, set()).add(a.get("value", "on"))
                if "checked" in a:
                    form.fields.setdefault(name, []).append(a.get("value", "on"))
            else:
                form.fields[name] = [a.get("value", "")]
        elif tag == "textarea" and name:
            form.names.add(name)
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            form.names.add(name)
            self._select = name
            form.options.setdefault(name, set())
        elif tag == "option" and self._select:
            self._option = a
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None or self._option is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "textarea" and form is not None and self._textarea:
            text = "".join(self._text)
            # HTML drops one newline right after <textarea> (WTForms writes "\r\n" there).
            form.fields[self._textarea] = [text.removeprefix("\r").removeprefix("\n")]
            self._textarea = None
        elif tag == "option" and form is not None and self._select and self._option is not None:
            value = self._option.get("value", "".join(self._text).strip())
            form.options[self._select].add(value)
            if "selected" in self._option or self._select not in form.fields:
                form.fields[self._select] = [value]
            self._option = None
        elif tag == "select":
            self._select = None


def forms_in(html: str) -> list[_Form]:
    """Return every form of a page."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_data(html: str, action: str | None = None, **overrides) -> dict[str, list[str] | str]:
    """Return the fields of the page's form (the one posting to `action`, or the only one with fields)."""
    forms = [f for f in forms_in(html)
             if (action is None and f.names) or (action is not None and f.action.split("#")[0] == action)]
    assert forms, f"no form posting to {action!r} in the page"
    # Without an action, the page's main form: the one with the most fields (not the menu's log-out buttons).
    form = forms[0] if action is not None else max(forms, key=lambda f: len(f.names - {"csrf_token"}))
    data: dict[str, list[str] | str] = {k: list(v) for k, v in form.fields.items()}
    for name, value in overrides.items():
        assert name in form.names, f"the form has no field {name!r} (it has {sorted(form.names)})"
        values = value if isinstance(value, list) else [value]
        if name in form.options:
            for v in values:
                assert v in form.options[name], f"{v!r} is not a choice of {name!r} ({sorted(form.options[name])})"
        data[name] = values
    return data


def choices_of(html: str, name: str, action: str | None = None) -> set[str]:
    """Return the values a radio group, checkbox group or select offers."""
    for form in forms_in(html):
        if (action is None or form.action.split("#")[0] == action) and name in form.options:
            return form.options[name]
    return set()


def without_tokens(page_html: str) -> str:
    """The page without its CSRF tokens: random text that may hold any digits ("988" too), so a check that a
    number is nowhere on the page reads the page's words only."""
    import re

    return re.sub(r'<input[^>]*name="[^"]*csrf_token"[^>]*>', "", page_html)
