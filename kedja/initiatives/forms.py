"""Forms for the initiative register: the filters of the list and the one form that creates and edits an
initiative. Choices (which owners, which framework items) come from the view, which asks the access layer;
the rules an initiative follows live in actions.check_initiative, which the form asks too, so every
broken rule is shown beside its field at once."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kedja.core.forms import ModelChoiceField, ModelMultipleChoiceField, VersionedForm
from kedja.core.texts import pick
from kedja.core.uploads import check_upload, extension_of
from kedja.frameworks.models import Node
from kedja.organisations.models import Organisation

from . import imports
from .actions import check_initiative
from .models import EvidenceBase, Funding, Initiative, Sharing, Stage, TargetGroup

# --- the list's filters -----------------------------------------------------------------------------

STATUS_CHOICES = [
    ("", _("Any status")),
    ("active", _("Active")),
    ("ended", _("Ended")),
    ("any_risk", _("Any risk")),
    ("person_dependent", _("Person-dependent")),
    ("funding_ending", _("Funding ending")),
    ("no_evidence", _("No evidence base")),
    ("no_follow_up", _("No follow-up")),
]


class FilterForm(forms.Form):
    """The list's filters, read from the query string (the parameters of filters.filter_initiatives,
    which does the filtering). Unknown values are ignored (the field is left out of cleaned_data), so an
    old bookmark still shows a list."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput,
        help_text=_("Name, description, responsible function or partners."),
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    area = forms.ChoiceField(label=_("Framework area"), required=False)
    funding = forms.ChoiceField(label=_("Funding"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, areas: list[tuple[str, str]] = (), **kwargs):
        """`areas`: (value "<framework id>:<area code>", label) for the framework areas that can be chosen."""
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("Any stage")), *Stage.choices]
        self.fields["target_group"].choices = [("", _("Any target group")), *TargetGroup.choices]
        self.fields["area"].choices = [("", _("Any area")), *areas]
        self.fields["funding"].choices = [("", _("Any funding")), *Funding.choices]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")

    def filters(self) -> dict:
        """The filters that were given and valid: {name: value}."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


# --- creating and editing ---------------------------------------------------------------------------


class OwnerChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ItemChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Node) -> str:
        return f"{obj.code} {pick(obj.title)}"


def lines(text: str) -> str:
    """One entry per line: surrounding spaces and blank lines dropped."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


DATE = {"type": "date"}


class InitiativeForm(VersionedForm):
    version_required = False  # a new initiative has none
    conflict_message = None  # the page shows what is saved now, and says so

    owner = OwnerChoiceField(
        label=_("Owner organisation"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("The municipality itself or one of its administrations or units."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    responsible_function = forms.CharField(
        label=_("Responsible function"),
        required=False,
        max_length=200,
        help_text=_(
            "The function or role that carries the initiative, e.g. the STEAM coordinator or the "
            "education administration – not a person."
        ),
    )
    named_people = forms.CharField(
        label=_("Named people"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One person per line. A single named person without a responsible function makes the "
            "initiative person-dependent."
        ),
    )
    stages = forms.MultipleChoiceField(
        label=_("Stages of the education chain"),
        required=False,  # the rule (at least one) is actions.check_initiative's, shown beside the field
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every stage the initiative serves, from preschool to working life."),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        required=False,
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    items = ItemChoiceField(
        label=_("Framework items served"),
        required=False,
        queryset=Node.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.CharField(
        label=_("Partners"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One partner per line."),
    )
    funding = forms.ChoiceField(
        label=_("Funding"), choices=Funding.choices, initial=Funding.ORDINARY, widget=forms.RadioSelect
    )
    funding_ends = forms.DateField(
        label=_("Funding ends"),
        required=False,
        widget=forms.DateInput(attrs=DATE),
        help_text=_("Needed for project money and external grants."),
    )
    starts = forms.DateField(label=_("Starts"), required=False, widget=forms.DateInput(attrs=DATE))
    ends = forms.DateField(label=_("Ends"), required=False, widget=forms.DateInput(attrs=DATE))
    reach_total = forms.IntegerField(label=_("Participants in all"), required=False, min_value=0)
    reach_girls = forms.IntegerField(label=_("Of whom girls/women"), required=False, min_value=0)
    reach_boys = forms.IntegerField(label=_("Of whom boys/men"), required=False, min_value=0)
    reach_other = forms.IntegerField(
        label=_("Of whom another gender (e.g. non-binary)"),
        required=False,
        min_value=0,
        help_text=_("Only where the participants were asked; leave empty otherwise."),
    )
    evidence_base = forms.ChoiceField(
        label=_("Evidence base"),
        choices=EvidenceBase.choices,
        initial=EvidenceBase.NONE,
        widget=forms.RadioSelect,
    )
    follow_up = forms.CharField(
        label=_("Follow-up indicator"),
        required=False,
        max_length=300,
        help_text=_("How the effect is followed up, e.g. the share of students choosing a STEAM programme."),
    )
    sharing = forms.ChoiceField(
        label=_("Visible to"),
        choices=Sharing.choices,
        initial=Sharing.REGION,
        widget=forms.RadioSelect,
        help_text=_("Everyone working in the municipality always sees its initiatives."),
    )

    def __init__(self, *args, owners, items, initiative: Initiative | None = None, **kwargs):
        """`owners`: organisations the person may choose as owner; `items`: the framework items offered
        (a queryset of item nodes, ordered by framework version and position)."""
        if initiative is not None and not kwargs.get("initial"):
            kwargs["initial"] = initial_for(initiative)
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        self.fields["owner"].queryset = owners
        self.fields["items"].queryset = items
        self.fields["version"].required = initiative is not None  # without it a conflict would go unseen
        for name in ("stages", "target_groups", "items", "funding", "evidence_base", "sharing"):
            self.fields[name].widget.attrs["class"] = "ds-input"

    def clean_named_people(self):
        return lines(self.cleaned_data.get("named_people", ""))

    def clean_partners(self):
        return lines(self.cleaned_data.get("partners", ""))

    def clean(self):
        cleaned = super().clean()
        try:
            check_initiative(self.initiative_data())
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                if field not in self.errors:  # a field that failed its own check keeps that message
                    self.add_error(field if field in self.fields else None, errors)
        return cleaned

    def initiative_data(self) -> dict:
        """The cleaned values shaped for actions.save_initiative (its `data`)."""
        data = {name: value for name, value in self.cleaned_data.items() if name not in ("items", "version")}
        data.setdefault("stages", [])
        data.setdefault("target_groups", [])
        return data

    def chosen_items(self) -> list[Node]:
        return list(self.cleaned_data.get("items") or [])

    def item_groups(self) -> list[dict]:
        """The item checkboxes grouped by framework and area (see group_by_area), each item with its
        checkbox's id and whether it is ticked."""
        chosen = {str(v) for v in (self["items"].value() or [])}
        groups = group_by_area(list(self.fields["items"].queryset))
        for group in groups:
            for area in group["areas"]:
                area["options"] = [
                    {"node": n, "value": str(n.pk), "id": f"id_items_{n.pk}", "checked": str(n.pk) in chosen}
                    for n in area["nodes"]
                ]
        return groups


def group_by_area(nodes: list[Node]) -> list[dict]:
    """Item nodes (in framework-version and position order) grouped for display, with the area nodes
    fetched in one query: [{"framework", "areas": [{"area" (node or None), "code", "id", "nodes"}]}]."""
    version_ids = {n.framework_version_id for n in nodes}
    area_nodes = {
        (a.framework_version_id, a.code): a
        for a in Node.objects.filter(framework_version_id__in=version_ids, parent=None)
    }
    groups: list[dict] = []
    by_framework: dict[int, dict] = {}
    by_area: dict[tuple, dict] = {}
    for node in nodes:
        framework = node.framework_version.framework
        group = by_framework.get(framework.pk)
        if group is None:
            group = by_framework[framework.pk] = {"framework": framework, "areas": []}
            groups.append(group)
        key = (node.framework_version_id, node.area_code)
        area = by_area.get(key)
        if area is None:
            area = by_area[key] = {
                "area": area_nodes.get(key),
                "code": node.area_code,
                "id": f"items-{node.framework_version_id}-{node.area_code}",
                "nodes": [],
            }
            group["areas"].append(area)
        area["nodes"].append(node)
    return groups


def initial_for(initiative: Initiative) -> dict:
    return {
        "owner": initiative.owner_id,
        "name": initiative.name,
        "description": initiative.description,
        "responsible_function": initiative.responsible_function,
        "named_people": initiative.named_people,
        "stages": list(initiative.stages),
        "target_groups": list(initiative.target_groups),
        "items": [n.pk for n in initiative.items.all()],
        "partners": initiative.partners,
        "funding": initiative.funding,
        "funding_ends": initiative.funding_ends,
        "starts": initiative.starts,
        "ends": initiative.ends,
        "reach_total": initiative.reach_total,
        "reach_girls": initiative.reach_girls,
        "reach_boys": initiative.reach_boys,
        "reach_other": initiative.reach_other,
        "evidence_base": initiative.evidence_base,
        "follow_up": initiative.follow_up,
        "sharing": initiative.sharing,
        "version": initiative.version,
    }


class SharingForm(forms.Form):
    sharing = forms.ChoiceField(
        label=_("Visible to"),
        choices=Sharing.choices,
        widget=forms.RadioSelect(attrs={"class": "ds-input"}),
        help_text=_("Everyone working in the municipality always sees its initiatives."),
    )


# --- importing from Excel/CSV (views_imports.py) -----------------------------------------------------------

SUFFIXES = ("xlsx", "csv")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel file (.xlsx) or a CSV file (.csv, UTF-8), at most 2 MB and 2,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(  # size, extension, content
            upload,
            extensions=SUFFIXES,
            max_bytes=imports.MAX_BYTES,
            wrong_type=_("Choose an Excel file (.xlsx) or a CSV file (.csv)."),
        )
        suffix = extension_of(upload.name)
        self.raw = upload.read(imports.MAX_BYTES + 1)
        self.suffix = suffix
        try:
            self.table = imports.read_table(self.raw, f"import.{suffix}")
        except imports.ImportFileError as error:
            raise ValidationError(error.problems) from None
        return upload


class ImportCommitForm(forms.Form):
    """The preview's "Import" button: the token of the checked file waiting on disk and, when some rows are
    already registered, what to do with them ("skip" or "import"; anything else asks again)."""

    token = forms.CharField(required=False, strip=False)
    duplicates = forms.CharField(required=False, strip=False)
