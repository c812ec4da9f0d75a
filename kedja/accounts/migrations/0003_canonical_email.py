"""Every stored e-mail address in its one canonical form (kedja.core.identifiers.canonical_email: NFKC,
case-folded, stripped). Two accounts whose addresses become the same are refused: the migration stops and
names them, so an operator merges or renames one (Django admin or shell) and runs migrate again."""

from django.db import migrations

from kedja.core.identifiers import canonical_email


class EmailCollision(Exception):
    """Two stored addresses become the same address in canonical form; both accounts are named."""


def collisions(rows) -> dict[str, list[str]]:
    """{canonical address: [stored addresses]} for the canonical forms more than one row would share."""
    groups: dict[str, list[str]] = {}
    for email in rows:
        groups.setdefault(canonical_email(email), []).append(email)
    return {canonical: found for canonical, found in groups.items() if len(found) > 1}


def canonicalise(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    clashes = collisions(User.objects.values_list("email", flat=True))
    if clashes:
        lines = "; ".join(f"{canonical}: {', '.join(found)}" for canonical, found in sorted(clashes.items()))
        raise EmailCollision(
            "These accounts would share one e-mail address once letter case and Unicode look-alikes are "
            f"folded: {lines}. Merge or rename one of each before migrating again."
        )
    for pk, email in User.objects.values_list("pk", "email"):
        canonical = canonical_email(email)
        if canonical != email:
            User.objects.filter(pk=pk).update(email=canonical)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_security_event")]

    operations = [migrations.RunPython(canonicalise, migrations.RunPython.noop)]
