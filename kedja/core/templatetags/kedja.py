"""Accessible form-field rendering, written once: the widget is linked to its help text and error."""

import re

from django import template
from django.forms import CheckboxSelectMultiple, RadioSelect

from kedja.core.texts import pick

register = template.Library()


@register.simple_tag
def widget(bound_field, **extra):
    """Render a field's widget with Designsystemet classes, aria-describedby pointing at its help text and
    errors, and aria-invalid when it has errors."""
    attrs = dict(extra)
    w = bound_field.field.widget
    if not isinstance(w, (RadioSelect, CheckboxSelectMultiple)):
        attrs.setdefault("class", "ds-input")
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def tr(texts):
    """{{ node.title|tr }}: translatable content in the reader's language (falls back to Swedish)."""
    return pick(texts)


# Where a long Swedish compound may break in a narrow column: before its last part. A soft hyphen (U+00AD)
# shows as "Gymnasie-" at the end of the line and is invisible otherwise; without it the browser breaks
# mid-word ("Gymnasiesko|la").
_COMPOUND_HEADS = re.compile(
    r"(?<=[a-zåäö]{4})(?=(skola|skolor|utbildning|utbildningar|högskola|försörjning|nedsättning|tradition"
    r"|bakgrund|studier|livet|grupper|samordning|styrning|miljöer|rekrytering|redogörelse)\b)"
)


@register.filter
def compound_breaks(text):
    """{{ label|compound_breaks }}: a label for a narrow column, with soft hyphens where compounds join."""
    return _COMPOUND_HEADS.sub("\u00ad", str(text))
