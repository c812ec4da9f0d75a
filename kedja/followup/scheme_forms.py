"""The scheme editor's forms and the plain functions behind them (views_scheme.scheme_edit).

An editor never changes a version: the page starts from the current version (`initial_from`), the person
changes the range, thresholds, column groups and columns, and `SchemeEdit` turns what was typed into a new
definition (`to_definition`) after `check_edit` found nothing wrong. Both are plain functions over plain
dicts, so tests call them without a request. Every problem is reported at the field it is about.

Decision: a red threshold above the highest possible weighted sum is refused (no row could ever be red,
which is a typing mistake, not a policy). The stated maximum is the municipality's own figure (the source
sheet says 78 where 33 columns × 3 give 99) and is only shown beside the computed one.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SchemeVersion
from .scheme import highest_possible_sum

LANGUAGES = ("sv", "nb", "en")
CODE_MAX = 40
code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]+$",
    gettext_lazy("Use only letters a–z, digits, _ and - (no spaces)."),
    code="code",
)


# --- plain functions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditError:
    kind: str  # "scheme", "group" or "column"
    position: int | None  # the row's place in the list given to check_edit (None for "scheme")
    field: str
    message: str


def _order_key(item: tuple[int, dict]):
    position, data = item
    order = data.get("order")
    return (order if order is not None else 10**6, position)


def _texts(data: dict, prefix: str) -> dict:
    return {
        lang: (data.get(f"{prefix}_{lang}") or "").strip()
        for lang in LANGUAGES
        if data.get(f"{prefix}_{lang}")
    }


def _weight(value):
    value = Decimal(str(value if value is not None else 1))
    return int(value) if value == value.to_integral_value() else float(value)


def check_edit(
    groups: list[dict],
    columns: list[dict],
    *,
    score_max: int,
    yellow_from: int,
    orange_from: int,
    red_from: int,
) -> list[EditError]:
    """What is wrong with an edited scheme, each problem at its field. `groups` and `columns` are the rows
    kept (not removed, not blank), as the form's cleaned data: codes, names and help per language
    (name_sv, …), a column's group code, weight, subject and order."""
    errors: list[EditError] = []
    group_codes: dict[str, int] = {}
    for position, g in enumerate(groups):
        code = (g.get("code") or "").strip()
        if not code:
            errors.append(EditError("group", position, "code", _("Give the group a code.")))
        elif code in group_codes:
            errors.append(EditError("group", position, "code", _("Another column group has this code.")))
        else:
            group_codes[code] = position
        if not _texts(g, "name"):
            errors.append(
                EditError("group", position, "name_sv", _("Give the name in at least one language."))
            )
    used: dict[str, int] = {}
    members = dict.fromkeys(group_codes, 0)
    for position, c in enumerate(columns):
        code = (c.get("code") or "").strip()
        if not code:
            errors.append(EditError("column", position, "code", _("Give the column a code.")))
        elif code in used:
            errors.append(EditError("column", position, "code", _("Another column has this code.")))
        else:
            used[code] = position
        group = (c.get("group") or "").strip()
        if group not in group_codes:
            errors.append(
                EditError("column", position, "group", _("Give the code of one of the column groups above."))
            )
        else:
            members[group] += 1
        if not _texts(c, "name"):
            errors.append(
                EditError("column", position, "name_sv", _("Give the name in at least one language."))
            )
        weight = c.get("weight")
        if weight is not None and weight <= 0:
            errors.append(EditError("column", position, "weight", _("The weight must be a positive number.")))
    for code, count in members.items():
        if not count:
            errors.append(
                EditError("group", group_codes[code], "code", _("A column group needs at least one column."))
            )
    if orange_from < yellow_from:
        errors.append(EditError("scheme", None, "orange_from", _("Orange must start at or above yellow.")))
    if red_from < orange_from:
        errors.append(EditError("scheme", None, "red_from", _("Red must start at or above orange.")))
    weights = [c.get("weight") if c.get("weight") is not None else 1 for c in columns]
    highest = highest_possible_sum(score_max, [w for w in weights if w > 0])
    if red_from > highest:
        errors.append(
            EditError(
                "scheme",
                None,
                "red_from",
                _("Red cannot start above %(max)s, the highest sum a student can reach with these columns.")
                % {"max": highest},
            )
        )
    return errors


def to_definition(groups: list[dict], columns: list[dict]) -> dict:
    """The version definition (SchemeVersion.definition) for rows check_edit accepted: groups and columns
    in their order (rows without an order keep their place after those with one)."""
    ordered_columns = sorted(enumerate(columns), key=_order_key)
    result = []
    for _position, g in sorted(enumerate(groups), key=_order_key):
        code = g["code"].strip()
        result.append(
            {
                "code": code,
                "name": _texts(g, "name"),
                "columns": [
                    {
                        "code": c["code"].strip(),
                        "name": _texts(c, "name"),
                        "help": _texts(c, "help"),
                        "weight": _weight(c.get("weight")),
                        "subject": bool(c.get("subject")),
                    }
                    for _p, c in ordered_columns
                    if (c.get("group") or "").strip() == code
                ],
            }
        )
    return {"groups": result}


def initial_from(version: SchemeVersion) -> tuple[dict, list[dict], list[dict]]:
    """The editor's starting values: the version's range and thresholds, its groups and its columns."""
    scheme = {
        "score_max": version.score_max,
        "yellow_from": version.yellow_from,
        "orange_from": version.orange_from,
        "red_from": version.red_from,
        "stated_max": version.stated_max,
    }
    groups, columns = [], []
    for g_index, g in enumerate(version.definition["groups"], start=1):
        groups.append(
            {"code": g["code"], "order": g_index * 10}
            | {f"name_{lang}": g.get("name", {}).get(lang, "") for lang in LANGUAGES}
        )
        for c_index, c in enumerate(g["columns"], start=1):
            columns.append(
                {
                    "group": g["code"],
                    "code": c["code"],
                    "weight": c.get("weight", 1),
                    "subject": bool(c.get("subject", False)),
                    "order": c_index * 10,
                }
                | {f"name_{lang}": c.get("name", {}).get(lang, "") for lang in LANGUAGES}
                | {f"help_{lang}": c.get("help", {}).get(lang, "") for lang in LANGUAGES}
            )
    return scheme, groups, columns


# --- forms -------------------------------------------------------------------------------------------------


class SchemeForm(forms.Form):
    score_max = forms.IntegerField(
        label=gettext_lazy("Highest score"),
        min_value=1,
        max_value=10,
        help_text=gettext_lazy("Scores go from 0 to this number."),
    )
    yellow_from = forms.IntegerField(label=gettext_lazy("Yellow from"), min_value=0, max_value=100000)
    orange_from = forms.IntegerField(label=gettext_lazy("Orange from"), min_value=0, max_value=100000)
    red_from = forms.IntegerField(label=gettext_lazy("Red from"), min_value=0, max_value=100000)
    stated_max = forms.IntegerField(
        label=gettext_lazy("Stated maximum"),
        min_value=0,
        max_value=100000,
        required=False,
        help_text=gettext_lazy("The maximum your municipality states for the sum; shown, not enforced."),
    )


LANGUAGE_LABELS = {
    "sv": gettext_lazy("Swedish"),
    "nb": gettext_lazy("Norwegian (bokmål)"),
    "en": gettext_lazy("English"),
}


class GroupForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=CODE_MAX, validators=[code_validator])
    name_sv = forms.CharField(label=gettext_lazy("Name in Swedish"), max_length=200, required=False)
    name_nb = forms.CharField(
        label=gettext_lazy("Name in Norwegian (bokmål)"), max_length=200, required=False
    )
    name_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=200, required=False)
    order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, max_value=100000, required=False)


class ColumnForm(forms.Form):
    group = forms.CharField(
        label=gettext_lazy("Group code"),
        max_length=CODE_MAX,
        widget=forms.TextInput(attrs={"list": "scheme-group-codes"}),
    )
    code = forms.CharField(label=gettext_lazy("Code"), max_length=CODE_MAX, validators=[code_validator])
    name_sv = forms.CharField(label=gettext_lazy("Name in Swedish"), max_length=200, required=False)
    name_nb = forms.CharField(
        label=gettext_lazy("Name in Norwegian (bokmål)"), max_length=200, required=False
    )
    name_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=200, required=False)
    help_sv = forms.CharField(label=gettext_lazy("Help text in Swedish"), max_length=500, required=False)
    help_nb = forms.CharField(
        label=gettext_lazy("Help text in Norwegian (bokmål)"), max_length=500, required=False
    )
    help_en = forms.CharField(label=gettext_lazy("Help text in English"), max_length=500, required=False)
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"), max_digits=6, decimal_places=2, initial=1, localize=True
    )
    subject = forms.BooleanField(label=gettext_lazy("Subject"), required=False)
    order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, max_value=100000, required=False)


GroupFormSet = forms.formset_factory(GroupForm, extra=1, can_delete=True, max_num=30, absolute_max=60)
ColumnFormSet = forms.formset_factory(ColumnForm, extra=3, can_delete=True, max_num=200, absolute_max=300)


class SchemeEdit:
    """The whole editor: the range and thresholds, the groups (prefix "g") and the columns (prefix "c").
    Unbound it starts from `version`; bound it keeps everything typed."""

    def __init__(self, version: SchemeVersion, data=None):
        scheme, groups, columns = initial_from(version)
        self.form = SchemeForm(data, initial=scheme)
        self.groups = GroupFormSet(data, initial=groups, prefix="g")
        self.columns = ColumnFormSet(data, initial=columns, prefix="c")
        self._kept_groups: list = []
        self._kept_columns: list = []

    @staticmethod
    def _kept(formset) -> list:
        """The rows to keep: valid forms that were not removed and are not blank extras."""
        return [
            f
            for f in formset.forms
            if f.has_changed() or f.initial
            if not (formset.can_delete and f.cleaned_data.get("DELETE"))
        ]

    def is_valid(self) -> bool:
        valid = all([self.form.is_valid(), self.groups.is_valid(), self.columns.is_valid()])
        if not valid:
            return False
        self._kept_groups, self._kept_columns = self._kept(self.groups), self._kept(self.columns)
        errors = check_edit(
            [f.cleaned_data for f in self._kept_groups],
            [f.cleaned_data for f in self._kept_columns],
            **{k: self.form.cleaned_data[k] for k in ("score_max", "yellow_from", "orange_from", "red_from")},
        )
        for e in errors:
            target = {"scheme": lambda p: self.form, "group": self._kept_groups.__getitem__}.get(
                e.kind, self._kept_columns.__getitem__
            )(e.position)
            target.add_error(e.field, e.message)
        return not errors

    def definition(self) -> dict:
        return to_definition(
            [f.cleaned_data for f in self._kept_groups], [f.cleaned_data for f in self._kept_columns]
        )

    def thresholds(self) -> dict:
        return {
            k: self.form.cleaned_data[k] for k in ("yellow_from", "orange_from", "red_from", "stated_max")
        }

    @property
    def problem_count(self) -> int:
        forms_ = [self.form, *self.groups.forms, *self.columns.forms]
        return (
            sum(len(f.errors) for f in forms_)
            + len(self.groups.non_form_errors())
            + len(self.columns.non_form_errors())
        )
