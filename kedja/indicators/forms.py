"""Forms for goals and indicators: a goal (its place in the tree, framework items and, for a municipality,
the gap cells it answers), moving a goal, an indicator, and an indicator's target. The values grid is read
straight from the POST (one row per year, see views.read_grid) because save_values checks the whole grid at
once. The rules live in actions.py (check_goal, check_indicator, move_goal); the forms ask them in clean(),
so every broken rule is shown beside its field at once."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedja.core.forms import ModelChoiceField, ModelMultipleChoiceField, VersionedForm
from kedja.core.texts import pick
from kedja.frameworks.chain import WHOLE, WHOLE_LABEL, area_stages, effective, group_exists, stage_label
from kedja.frameworks.models import Node
from kedja.frameworks.selectors import default_framework_version
from kedja.initiatives.forms import group_by_area
from kedja.initiatives.models import Stage, TargetGroup
from kedja.kolada.models import Kpi
from kedja.organisations.roles import Kind

from .actions import check_goal, check_indicator
from .models import Direction, Goal, GoalKind, GoalStatus, Indicator, Source, Unit
from .status import value_range


class TargetForm(forms.Form):
    target_value = forms.FloatField(label=_("Target value"), required=False, localize=True)
    target_year = forms.IntegerField(label=_("Target year"), required=False, min_value=1900, max_value=2200)


# --- goals: what the forms offer ----------------------------------------------------------------------------------------------


def gap_areas(org):
    """(code, title) of the framework areas for a municipality's gap grid — the STEAM framework's, as in
    the gap analysis; None for any other kind of organisation (only municipalities name gaps)."""
    if org.kind != Kind.MUNICIPALITY:
        return None
    version = default_framework_version()
    return [(a.code, a.title) for a in version.areas()] if version else []


def gap_cells(areas) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The cells of the gap analysis a goal can name, as the framework says (frameworks.chain): area code
    -> its stage keys ([WHOLE] for a municipality-wide area), target group -> the stages it exists in."""
    version = default_framework_version()
    applies = {a.code: a.applies for a in version.areas()} if version else {}
    groups_at = (version.target_group_stages if version else {}) or {}
    stages = list(Stage.values)
    return (
        {code: area_stages(effective(applies.get(code), None), stages) for code, _title in areas},
        {g: [s for s in stages if group_exists(groups_at, stage=s, group=g)] for g in TargetGroup.values},
    )


def gap_labels(gaps: list[dict], area_titles: dict) -> list[str]:
    """Readable gap cells: "School years 7–9 – 3 Title" or "School years F–3 – Girls/women"."""
    groups = dict(TargetGroup.choices)
    out = []
    for gap in gaps:
        stage = stage_label(gap.get("stage", ""))
        if gap.get("area"):
            code = gap["area"]
            title = pick(area_titles.get(code)) if area_titles.get(code) else ""
            out.append(f"{stage} – {code} {title}".rstrip())
        else:
            out.append(f"{stage} – {groups.get(gap.get('target_group'), gap.get('target_group'))}")
    return out


DATE = {"type": "date"}
AREA, GROUP = "area", "group"


def gap_value(gap: dict) -> str:
    """A gap cell as one checkbox value: "<stage>|area|<code>" or "<stage>|group|<target group>"."""
    if gap.get("area"):
        return f"{gap['stage']}|{AREA}|{gap['area']}"
    return f"{gap.get('stage')}|{GROUP}|{gap.get('target_group')}"


def gap_from_value(value: str) -> dict:
    stage, kind, code = (value.split("|") + ["", "", ""])[:3]
    return {"stage": stage, "area": code} if kind == AREA else {"stage": stage, "target_group": code}


class GoalChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Goal) -> str:
        return f"{obj.get_kind_display()}: {obj.title}"


class GoalForm(VersionedForm):
    """Creates and edits a goal. `parent` is offered only when creating (moving is MoveGoalForm's job);
    `gaps` only for a municipality (`areas` given)."""

    version_required = False  # a new goal has none
    conflict_message = None  # the page shows what is saved now, and says so

    parent = GoalChoiceField(
        label=_("Part of"),
        required=False,
        queryset=Goal.objects.none(),
        empty_label=_("None – this is a main goal"),
        help_text=_("A sub-goal is part of a main goal or another sub-goal; an action is part of either."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=GoalKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner_function = forms.CharField(
        label=_("Responsible function"),
        required=False,
        max_length=200,
        help_text=_("The function or role that carries the goal, e.g. the education administration."),
    )
    starts = forms.DateField(label=_("Starts"), required=False, widget=forms.DateInput(attrs=DATE))
    ends = forms.DateField(label=_("Ends"), required=False, widget=forms.DateInput(attrs=DATE))
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    items = ModelMultipleChoiceField(
        label=_("Framework items"),
        required=False,
        queryset=Node.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    gaps = forms.MultipleChoiceField(
        label=_("Gaps addressed"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organisation, items, areas=None, goal: Goal | None = None, **kwargs):
        """`items`: the framework item nodes offered; `areas`: (code, title) of the framework areas for
        the gap grid — None when the organisation is not a municipality (no gaps)."""
        if goal is not None and not kwargs.get("initial"):
            kwargs["initial"] = initial_for_goal(goal)
        super().__init__(*args, **kwargs)
        self.organisation, self.goal = organisation, goal
        self.areas = areas
        self.fields["items"].queryset = items
        if goal is None:
            self.fields["parent"].queryset = Goal.objects.filter(organisation=organisation).order_by(
                "position", "pk"
            )
            del self.fields["version"]
        else:
            del self.fields["parent"]
            self.fields["version"].required = True  # without it a conflict would go unseen
        if areas is None:
            del self.fields["gaps"]
            self.kept_gaps = list(goal.gaps) if goal is not None else []
        else:
            self.area_stages, self.group_stages = gap_cells(areas)
            cells = [
                *(f"{stage}|{AREA}|{code}" for code, _title in areas for stage in self.area_stages[code]),
                *(
                    f"{stage}|{GROUP}|{group}"
                    for group in TargetGroup.values
                    for stage in self.group_stages[group]
                ),
            ]
            # A gap saved against an area the grid no longer shows is kept, not silently dropped.
            known = set(cells)
            self.kept_gaps = [g for g in (goal.gaps if goal else []) if gap_value(g) not in known]
            self.fields["gaps"].choices = [(c, c) for c in cells]
        for name in ("kind", "status", "items"):
            self.fields[name].widget.attrs["class"] = "ds-input"

    def clean(self):
        cleaned = super().clean()
        try:
            check_goal(self.goal_data(), organisation=self.organisation)
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, errors)
        return cleaned

    def goal_data(self) -> dict:
        """The cleaned values shaped for actions.save_goal (its `data`)."""
        data = {
            name: self.cleaned_data.get(name)
            for name in ("kind", "title", "description", "owner_function", "starts", "ends", "status")
            if name in self.cleaned_data
        }
        data["description"] = data.get("description") or ""
        data["owner_function"] = data.get("owner_function") or ""
        data["gaps"] = [gap_from_value(v) for v in self.cleaned_data.get("gaps") or []] + self.kept_gaps
        if self.goal is None:
            data["parent"] = self.cleaned_data.get("parent")
        else:
            data["parent"] = self.goal.parent
        return data

    def save_data(self) -> dict:
        """goal_data without `parent` when editing (save_goal uses the goal's own parent)."""
        data = self.goal_data()
        if self.goal is not None:
            data.pop("parent")
        return data

    def chosen_items(self) -> list[Node]:
        return list(self.cleaned_data.get("items") or [])

    def item_groups(self) -> list[dict]:
        """The item checkboxes grouped by framework and area, each with its id and whether it is ticked."""
        chosen = {str(v) for v in (self["items"].value() or [])}
        groups = group_by_area(list(self.fields["items"].queryset))
        for group in groups:
            for area in group["areas"]:
                area["options"] = [
                    {"node": n, "value": str(n.pk), "id": f"id_items_{n.pk}", "checked": str(n.pk) in chosen}
                    for n in area["nodes"]
                ]
        return groups

    def gap_grid(self) -> dict | None:
        """The gap checkboxes as two grids, stages × framework areas and stages × target groups:
        {"areas": [...], "groups": [...], "area_rows": [(stage label, [cell…])], "group_rows": …}."""
        if self.areas is None:
            return None
        chosen = set(self["gaps"].value() or [])

        def cell(stage, stage_label, kind, code, label):
            value = f"{stage}|{kind}|{code}"
            return {
                "value": value,
                "id": f"id_gaps_{stage}_{kind}_{code}".replace(".", "_"),
                "checked": value in chosen,
                "label": f"{stage_label} – {label}",
            }

        areas = [(code, f"{code} {pick(title)}") for code, title in self.areas]
        groups = list(TargetGroup.choices)
        rows = [(WHOLE, str(WHOLE_LABEL))] if any(s == [WHOLE] for s in self.area_stages.values()) else []
        rows += list(Stage.choices)
        # None: not a cell (a municipality-wide area per stage, an area or group where it does not apply)
        return {
            "areas": areas,
            "groups": groups,
            "area_rows": [
                (
                    label,
                    [
                        cell(stage, label, AREA, code, title) if stage in self.area_stages[code] else None
                        for code, title in areas
                    ],
                )
                for stage, label in rows
            ],
            "group_rows": [
                (
                    label,
                    [
                        cell(stage, label, GROUP, code, title) if stage in self.group_stages[code] else None
                        for code, title in groups
                    ],
                )
                for stage, label in Stage.choices
            ],
        }


def initial_for_goal(goal: Goal) -> dict:
    return {
        "kind": goal.kind,
        "title": goal.title,
        "description": goal.description,
        "owner_function": goal.owner_function,
        "starts": goal.starts,
        "ends": goal.ends,
        "status": goal.status,
        "items": [n.pk for n in goal.items.all()],
        "gaps": [gap_value(g) for g in goal.gaps],
        "version": goal.version,
    }


class MoveGoalForm(VersionedForm):
    """Where a goal hangs (None: it becomes a main goal) and its place among the goals there. Any goal of
    the organisation is accepted here so that move_goal's own reason (e.g. "under one of its own parts")
    reaches the person; the list offers only the places that can work."""

    conflict_message = None  # the page says so itself

    parent = GoalChoiceField(
        label=_("Part of"),
        required=False,
        queryset=Goal.objects.none(),
        empty_label=_("None – make it a main goal"),
    )
    place = forms.IntegerField(
        label=_("Place"),
        required=False,
        min_value=1,
        help_text=_("1 puts it first among the goals at that level; leave empty to put it last."),
    )

    def __init__(self, *args, goal: Goal, below: set[int], **kwargs):
        """`below`: ids of the goals under `goal` (they are not offered)."""
        kwargs.setdefault("initial", {"parent": goal.parent_id, "version": goal.version})
        super().__init__(*args, **kwargs)
        self.goal = goal
        field = self.fields["parent"]
        field.queryset = Goal.objects.filter(organisation=goal.organisation).order_by("position", "pk")
        offered = [
            g for g in field.queryset if g.pk != goal.pk and g.pk not in below and g.kind != GoalKind.ACTION
        ]
        field.widget.choices = [("", field.empty_label)] + [
            (g.pk, field.label_from_instance(g)) for g in offered
        ]


# --- indicators -----------------------------------------------------------------------------------------


class IndicatorForm(VersionedForm):
    version_required = False  # a new indicator has none
    conflict_message = None  # the page shows what is saved now, and says so

    name = forms.CharField(label=_("Name"), max_length=300)
    definition = forms.CharField(
        label=_("Definition"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is measured and how, so that everyone reads the figure the same way."),
    )
    goal = GoalChoiceField(
        label=_("Goal"),
        required=False,
        queryset=Goal.objects.none(),
        empty_label=_("None – the indicator stands on its own"),
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    unit_min = forms.FloatField(
        label=_("Lowest possible value"),
        required=False,
        localize=True,
        help_text=_("Leave empty for the unit's own range (percent 0–100, a count from 0)."),
    )
    unit_max = forms.FloatField(label=_("Highest possible value"), required=False, localize=True)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, widget=forms.RadioSelect)
    kolada_kpi = forms.CharField(
        label=_("Kolada KPI"),
        required=False,
        max_length=16,
        help_text=_("The Kolada key figure id, e.g. N15419. Needed when the source is Kolada."),
    )
    area = forms.CharField(
        label=_("Kolada area"),
        required=False,
        max_length=16,
        help_text=_("Municipality or school-unit code in Kolada; empty means the organisation's own code."),
    )
    baseline_value = forms.FloatField(label=_("Baseline"), required=False, localize=True)
    baseline_year = forms.IntegerField(label=_("Baseline year"), required=False, min_value=1900)

    def __init__(self, *args, organisation, indicator: Indicator | None = None, **kwargs):
        if indicator is not None and not kwargs.get("initial"):
            kwargs["initial"] = initial_for_indicator(indicator)
        super().__init__(*args, **kwargs)
        self.organisation, self.indicator = organisation, indicator
        self.fields["goal"].queryset = Goal.objects.filter(organisation=organisation).order_by(
            "position", "pk"
        )
        if indicator is None:
            del self.fields["version"]
        else:
            self.fields["version"].required = True
        for name in ("direction", "source"):
            self.fields[name].widget.attrs["class"] = "ds-input"

    def clean_kolada_kpi(self):
        return (self.cleaned_data.get("kolada_kpi") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        data = self.indicator_data()
        try:
            check_indicator(data, organisation=self.organisation)
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, errors)
        kpi = data.get("kolada_kpi")
        if (
            data.get("source") == Source.KOLADA
            and kpi
            and "kolada_kpi" not in self.errors
            and not Kpi.objects.filter(pk=kpi).exists()
        ):
            self.add_error(
                "kolada_kpi",
                _("There is no Kolada KPI %(kpi)s in the catalogue. Check the id in the KPI catalogue.")
                % {"kpi": kpi},
            )
        low, high = value_range(data.get("unit"), data.get("unit_min"), data.get("unit_max"))
        baseline = data.get("baseline_value")
        if baseline is not None and "baseline_value" not in self.errors:
            if (low is not None and baseline < low) or (high is not None and baseline > high):
                self.add_error("baseline_value", _("The value is outside the unit's range."))
        year = data.get("baseline_year")
        if year is not None and "baseline_year" not in self.errors and year > timezone.localdate().year:
            self.add_error("baseline_year", _("The baseline year cannot be in the future."))
        typed = not self.errors.get("baseline_value") and not self.errors.get("baseline_year")
        if (baseline is None) != (year is None) and typed:
            self.add_error("baseline_year", _("A baseline needs both a value and a year."))
        return cleaned

    def indicator_data(self) -> dict:
        """The cleaned values shaped for actions.save_indicator (its `data`)."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        for name in ("definition", "kolada_kpi", "area"):
            data[name] = data.get(name) or ""
        return data


def initial_for_indicator(indicator: Indicator) -> dict:
    return {
        "name": indicator.name,
        "definition": indicator.definition,
        "goal": indicator.goal_id,
        "unit": indicator.unit,
        "unit_min": indicator.unit_min,
        "unit_max": indicator.unit_max,
        "direction": indicator.direction,
        "source": indicator.source,
        "kolada_kpi": indicator.kolada_kpi,
        "area": indicator.area,
        "baseline_value": indicator.baseline_value,
        "baseline_year": indicator.baseline_year,
        "version": indicator.version,
    }
