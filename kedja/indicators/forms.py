"""Forms for entering an indicator's target; the values grid is read straight from the POST (one row per
year, see views.read_grid) because save_values checks the whole grid at once."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TargetForm(forms.Form):
    target_value = forms.FloatField(label=_("Target value"), required=False, localize=True)
    target_year = forms.IntegerField(label=_("Target year"), required=False, min_value=1900, max_value=2200)
