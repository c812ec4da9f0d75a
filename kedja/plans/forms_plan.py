"""The action plan's forms: an action, the choice of gaps and priority items to draft actions from, and
adopting the plan. They offer only what belongs to the organisation; the rules live in actions.py."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedja.core.forms import ModelChoiceField, ModelMultipleChoiceField, VersionedForm
from kedja.core.texts import pick
from kedja.indicators.models import Goal
from kedja.organisations.models import Membership, Organisation
from kedja.organisations.roles import Kind

from . import rules
from .models import Action, ActionStatus

DATE = {"type": "date"}


def gap_value(key: tuple[str, str, str]) -> str:
    return "|".join(key)


def gap_from_value(value: str) -> tuple[str, str, str] | None:
    parts = value.split("|")
    return tuple(parts) if len(parts) == 3 and parts[1] in (rules.AREA, rules.GROUP) else None


def responsible_candidates(organisation: Organisation):
    """People with an active membership at the organisation or below it. The ids are read first with one
    flat join, so the choice field's query stays a plain id list whatever plan the database picks."""
    ids = list(
        Membership.objects.active()
        .filter(organisation__path__startswith=organisation.path)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email")


class PersonChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class GoalChoice(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_kind_display()}: {obj.title}"


class PriorityChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.node.code} {pick(obj.node.title)}"


class ActionForm(VersionedForm):
    version_required = False  # a new action has none
    conflict_message = None  # the page shows what is saved now, and says so
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    goal = GoalChoice(
        label=_("Goal"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("No goal yet"),
        help_text=_("The goal of the goal tree the action works towards."),
    )
    responsible_function = forms.CharField(
        label=_("Responsible function"),
        max_length=200,
        required=False,
        help_text=_("E.g. the education administration's development unit."),
    )
    responsible_people = PersonChoice(
        label=_("Responsible people"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "They see the action on their start page when it is due soon or overdue, and get reminders."
        ),
    )
    partners = ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    resource_hours = forms.IntegerField(label=_("Time (hours)"), required=False, min_value=0)
    resource_money = forms.IntegerField(label=_("Money (SEK)"), required=False, min_value=0)
    resource_note = forms.CharField(label=_("Other resources"), max_length=500, required=False)
    starts = forms.DateField(label=_("Starts"), required=False, widget=forms.DateInput(attrs=DATE))
    due = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs=DATE))
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)
    gaps = forms.MultipleChoiceField(
        label=_("Gaps answered"), required=False, widget=forms.CheckboxSelectMultiple
    )
    priorities = PriorityChoice(
        label=_("Priority assessment items answered"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation: Organisation, action: Action | None = None, ranked=(), **kwargs):
        if action is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(action)
        super().__init__(*args, **kwargs)
        self.organisation, self.action = organisation, action
        self.fields["goal"].queryset = Goal.objects.filter(organisation=organisation).order_by(
            "position", "pk"
        )
        people = responsible_candidates(organisation)
        kept = action.responsible_people.values("pk") if action else []
        self.fields["responsible_people"].queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=people.values("pk")) | Q(pk__in=kept))
            .order_by("full_name", "email")
        )
        chosen_partners = action.partners.values("pk") if action else []
        self.fields["partners"].queryset = Organisation.objects.filter(
            Q(kind=Kind.PARTNER, is_active=True) | Q(pk__in=chosen_partners)
        ).order_by("name")
        from kedja.assessments.models import Priority

        kept_priorities = action.priorities.values("pk") if action else []
        self.fields["priorities"].queryset = (
            Priority.objects.filter(
                Q(round__in=rules.priority_rounds(organisation)) | Q(pk__in=kept_priorities)
            )
            .select_related("node")
            .order_by("node__position")
        )
        titles = rules.area_titles()
        keys = [rules.gap_key(g) for g in ranked]
        keys += [rules.gap_key(g) for g in (action.gaps if action else []) if rules.gap_key(g) not in keys]
        self.fields["gaps"].choices = [(gap_value(k), rules.gap_label(k, titles)) for k in keys]
        if organisation.kind != Kind.MUNICIPALITY and not keys:
            del self.fields["gaps"]

    def clean(self):
        data = super().clean()
        starts, due = data.get("starts"), data.get("due")
        if starts and due and due < starts:
            self.add_error("due", _("The due date is before the start date."))
        return data

    def action_data(self) -> dict:
        d = self.cleaned_data
        data = {name: d.get(name) for name in rules_fields()}
        data["description"] = d.get("description") or ""
        data["responsible_function"] = d.get("responsible_function") or ""
        data["resource_note"] = d.get("resource_note") or ""
        data["gaps"] = [rules.gap_cell(gap_from_value(v)) for v in d.get("gaps") or [] if gap_from_value(v)]
        return data


def rules_fields() -> list[str]:
    from .actions import ACTION_FIELDS

    return [name for name in ACTION_FIELDS if name != "gaps"]


def initial_of(action: Action) -> dict:
    return {
        "version": action.version,
        "title": action.title,
        "description": action.description,
        "goal": action.goal_id,
        "responsible_function": action.responsible_function,
        "responsible_people": list(action.responsible_people.values_list("pk", flat=True)),
        "partners": list(action.partners.values_list("pk", flat=True)),
        "resource_hours": action.resource_hours,
        "resource_money": int(action.resource_money) if action.resource_money is not None else None,
        "resource_note": action.resource_note,
        "starts": action.starts,
        "due": action.due,
        "status": action.status,
        "progress": action.progress,
        "gaps": [gap_value(rules.gap_key(g)) for g in action.gaps or []],
        "priorities": list(action.priorities.values_list("pk", flat=True)),
    }


class SelectionForm(forms.Form):
    """Which ranked gaps and priority items (those without an action) to draft actions for."""

    gaps = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    priorities = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    goal = ModelChoiceField(
        label=_("Goal for the new actions"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("The goal that names the gap or item, if any"),
    )

    def __init__(self, *args, organisation: Organisation, coverage: rules.Coverage, **kwargs):
        super().__init__(*args, **kwargs)
        self.coverage = coverage
        self.fields["gaps"].choices = [(g.value, g.value) for g in coverage.uncovered_gaps]
        self.fields["priorities"].choices = [
            (str(p.priority.pk), str(p.priority.pk)) for p in coverage.uncovered_priorities
        ]
        self.fields["goal"].queryset = Goal.objects.filter(organisation=organisation).order_by(
            "position", "pk"
        )

    def clean(self):
        data = super().clean()
        if not data.get("gaps") and not data.get("priorities"):
            raise forms.ValidationError(_("Tick at least one gap or priority item."))
        return data

    def chosen(self):
        gaps = [g.gap for g in self.coverage.uncovered_gaps if g.value in set(self.cleaned_data["gaps"])]
        wanted = set(self.cleaned_data["priorities"])
        priorities = [p.priority for p in self.coverage.uncovered_priorities if str(p.priority.pk) in wanted]
        return gaps, priorities


class AdoptForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    adopted_on = forms.DateField(label=_("Adopted on"), widget=forms.DateInput(attrs=DATE))
    adopted_by_body = forms.CharField(
        label=_("Adopted by"),
        max_length=300,
        help_text=_("E.g. the education committee, or the head of schools."),
    )
    decision_reference = forms.CharField(
        label=_("Decision reference"),
        max_length=100,
        required=False,
        help_text=_("The minutes' paragraph or the case number."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopted_on"].initial = timezone.localdate()
