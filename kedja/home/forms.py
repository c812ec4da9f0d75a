"""The start page's form: which of my memberships I work as (the header's organisation switcher)."""

from django import forms


class SwitchForm(forms.Form):
    """The membership chosen (only the person's own are accepted, by the view) and the page to go back to."""

    membership = forms.IntegerField()
    next = forms.CharField(required=False, strip=False)
