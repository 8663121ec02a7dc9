"""Render a form field's widget with the GOV.UK Frontend classes for its kind."""

from django import template

register = template.Library()

WIDGET_CLASSES = {
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "textarea": "govuk-textarea",
}


@register.simple_tag
def govuk_widget(field):
    kind = field.widget_type
    css = WIDGET_CLASSES.get(kind, "govuk-input")
    if field.errors:
        css += f" {css}--error"
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{css} {existing}".strip()})


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key``: a dictionary's value in a template (None if absent)."""
    return (mapping or {}).get(key)
