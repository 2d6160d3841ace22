"""recovery/widgets.py writes exactly what WTForms' own html_params writes, for any attributes."""

from __future__ import annotations

import wtforms.widgets
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms.widgets import core

from recovery import widgets

KEYS = st.sampled_from(["id", "name", "class_", "for_", "data_x_y", "aria_describedby", "value", "type",
                        "maxlength", "checked", "required", "autocomplete", "a<b", "q\"uote", "data_"])
VALUES = st.one_of(
    st.booleans(), st.integers(), st.text(max_size=30),
    st.text(alphabet="<>&\"' ab{}", max_size=12).map(Markup),  # already-safe text, raw quotes and braces too
)


@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_the_same_html_as_wtforms(attrs):
    assert widgets.html_params(**attrs) == widgets._original(**attrs)
    assert isinstance(widgets.html_params(**attrs), Markup)


def test_installed_for_every_widget(app):
    """create_app puts it in place: a rendered field uses it (and renders as before)."""
    assert core.html_params is widgets.html_params
    assert widgets._original is not widgets.html_params
    # Inputs and buttons keep their own copy as a static method: those are replaced too.
    keeping = [w for w in vars(core).values() if isinstance(w, type) and "html_params" in vars(w)]
    assert {core.Input, core.Button} <= set(keeping)
    assert all(w.html_params is widgets.html_params for w in keeping)
    assert core.CheckboxInput.html_params is widgets.html_params
    assert wtforms.widgets.html_params is widgets.html_params  # what a field's label uses
    assert str(core.TextInput()(type("F", (), {"id": "x", "name": "x", "_value": lambda self: 'a"b'})())) == \
        '<input id="x" name="x" type="text" value="a&#34;b">'
