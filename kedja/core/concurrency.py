"""Optimistic locking: two people editing the same thing cannot silently overwrite each other.

A model with an integer `version` field is saved through `save_versioned`, which writes only when the
row still has the version the editor started from, and bumps it.
"""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class EditConflict(Exception):
    """Someone else saved the object after this editor opened it."""

    message = _(
        "Someone else saved this while you were editing. Your changes are kept below; "
        "review the current values and save again."
    )


def save_versioned(obj: models.Model, *, expected_version: int, update_fields: list[str]) -> None:
    """Write `update_fields` of `obj` if its row is still at `expected_version`; else raise EditConflict."""
    manager = type(obj)._default_manager
    values = {name: getattr(obj, name) for name in update_fields}
    updated = manager.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1, **values)
    if updated != 1:
        raise EditConflict()
    obj.version = expected_version + 1  # type: ignore[attr-defined]  # every model saved here has `version`; Model's stubs cannot say so
