"""Every change to assessment rounds goes through these functions: atomic, checked, audited."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kedja.accounts.models import User
from kedja.core.concurrency import EditConflict, save_versioned
from kedja.core.uploads import check_upload
from kedja.frameworks.models import FrameworkVersion, Node
from kedja.organisations.actions import record_event
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .models import Answer, EvidenceFile, Priority, Respondent, Round

ANSWER_FIELDS = ["level", "dont_know", "evidence", "links", "responsible_function", "next_step"]
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# What an evidence file may be: checked by core.uploads.check_upload (name and content must agree).
EVIDENCE_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt")


@transaction.atomic
def open_round(
    municipality: Organisation,
    version: FrameworkVersion,
    *,
    title: str,
    due_date=None,
    shares_with_region: bool = False,
    by: User,
) -> Round:
    if municipality.kind != Kind.MUNICIPALITY:
        raise ValidationError(_("A round belongs to a municipality."))
    if version.is_draft:
        raise ValidationError({"framework_version": _("Choose a published version of the framework.")})
    round_ = Round.objects.create(
        municipality=municipality,
        framework_version=version,
        title=title.strip(),
        due_date=due_date,
        shares_with_region=shares_with_region,
        created_by=by,
    )
    record_event("round.opened", by=by, organisation=municipality, round=round_.pk, title=round_.title)
    return round_


@transaction.atomic
def invite_respondent(round_: Round, *, user: User, group: str, by: User, round_url: str = "") -> Respondent:
    if not round_.is_open:
        raise ValidationError(_("The round is closed."))
    respondent, created = Respondent.objects.get_or_create(round=round_, user=user, defaults={"group": group})
    if not created:
        raise ValidationError({"user": _("This person is already a respondent in the round.")})
    with translation.override(user.language or settings.LANGUAGE_CODE):
        send_mail(
            subject=_("Self-assessment: %(title)s") % {"title": round_.title},
            message=render_to_string(
                "assessments/email/invitation.txt",
                {"round": round_, "by": by, "url": round_url, "person": user},
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    record_event(
        "round.respondent_invited", by=by, organisation=round_.municipality, round=round_.pk, user=user.email
    )
    return respondent


@transaction.atomic
def remove_respondent(respondent: Respondent, *, by: User) -> None:
    if respondent.answers.exists():
        raise ValidationError(
            _("This respondent has already answered; their answers are part of the result.")
        )
    record_event(
        "round.respondent_removed",
        by=by,
        organisation=respondent.round.municipality,
        round=respondent.round_id,
        user=respondent.user.email,
    )
    respondent.delete()


def check_answer(data: dict) -> dict:
    """The rules an answer must follow, whatever form or API it comes from."""
    errors = {}
    level, dont_know = data.get("level"), bool(data.get("dont_know"))
    if level is not None and dont_know:
        errors["level"] = _("Choose a level or “don't know”, not both.")
    if level is not None and not 0 <= int(level) <= 4:
        errors["level"] = _("The level is 0–4.")
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def save_answer(respondent: Respondent, node: Node, *, data: dict, expected_version: int | None) -> Answer:
    """Create or update the respondent's answer to one item — a draft is just an answer saved early.
    `expected_version` is the version the respondent's page was showing (None for a first answer); a
    stale one raises EditConflict, so two tabs or devices never silently overwrite each other."""
    round_ = respondent.round
    if not round_.is_open:
        raise ValidationError(_("The round is closed; answers can no longer be changed."))
    if node.framework_version_id != round_.framework_version_id or node.kind != Node.Kind.ITEM:
        raise ValidationError(_("This item is not part of the round's framework."))
    check_answer(data)
    answer = Answer.objects.filter(respondent=respondent, node=node).first()
    if answer is None:
        if expected_version not in (None, 0):
            raise EditConflict()  # the page showed an answer that has since been removed
        return Answer.objects.create(
            respondent=respondent, node=node, **{k: data.get(k) for k in ANSWER_FIELDS if k in data}
        )
    if expected_version is None:
        raise EditConflict()  # the page showed no answer, but another tab or device has saved one since
    for name in ANSWER_FIELDS:
        if name in data:
            setattr(answer, name, data[name])
    save_versioned(answer, expected_version=expected_version, update_fields=[*ANSWER_FIELDS, "updated_at"])
    return answer


@transaction.atomic
def attach_evidence(answer: Answer, upload, *, by: User) -> EvidenceFile:
    if not answer.respondent.round.is_open:
        raise ValidationError(_("The round is closed; answers can no longer be changed."))
    checked = check_upload(
        upload,
        extensions=EVIDENCE_EXTENSIONS,
        max_bytes=MAX_EVIDENCE_BYTES,
        wrong_type=_(
            "Only PDF, images (PNG, JPEG), Office/OpenDocument files and plain text can be attached."
        ),
    )
    name = checked.name
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)
    evidence = EvidenceFile(answer=answer, name=name, size=upload.size, content_type=checked.content_type)
    evidence.file.save(safe, upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def submit_answers(respondent: Respondent, *, by: User) -> None:
    """The respondent says they are done (they can still change answers while the round is open)."""
    if not respondent.round.is_open:
        raise ValidationError(_("The round is closed; answers can no longer be changed."))
    respondent.submitted_at = timezone.now()
    respondent.save(update_fields=["submitted_at"])
    record_event(
        "round.submitted", by=by, organisation=respondent.round.municipality, round=respondent.round_id
    )


@transaction.atomic
def close_round(round_: Round, *, by: User) -> None:
    if not round_.is_open:
        raise ValidationError(_("The round is already closed."))
    round_.status = Round.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    record_event("round.closed", by=by, organisation=round_.municipality, round=round_.pk)


@transaction.atomic
def reopen_round(round_: Round, *, by: User) -> None:
    round_.status = Round.Status.OPEN
    round_.closed_at = None
    round_.save(update_fields=["status", "closed_at"])
    record_event("round.reopened", by=by, organisation=round_.municipality, round=round_.pk)


@transaction.atomic
def set_sharing(round_: Round, *, shares: bool, by: User) -> None:
    round_.shares_with_region = shares
    round_.save(update_fields=["shares_with_region"])
    record_event("round.sharing", by=by, organisation=round_.municipality, round=round_.pk, shares=shares)


@transaction.atomic
def mark_priority(round_: Round, node: Node, *, note: str, by: User) -> Priority:
    if node.framework_version_id != round_.framework_version_id or node.kind != Node.Kind.ITEM:
        raise ValidationError(_("This item is not part of the round's framework."))
    priority, _created = Priority.objects.update_or_create(
        round=round_, node=node, defaults={"note": note.strip(), "created_by": by}
    )
    record_event("round.priority", by=by, organisation=round_.municipality, round=round_.pk, item=node.code)
    return priority


@transaction.atomic
def unmark_priority(round_: Round, node: Node, *, by: User) -> None:
    Priority.objects.filter(round=round_, node=node).delete()
    record_event(
        "round.priority_removed", by=by, organisation=round_.municipality, round=round_.pk, item=node.code
    )
