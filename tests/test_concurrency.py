import pytest

from kedja.core.concurrency import EditConflict, save_versioned
from kedja.organisations.factories import make_municipality
from kedja.organisations.models import Organisation

pytestmark = pytest.mark.db  # what a second writer sees depends on the database's locking


@pytest.mark.django_db
def test_second_editor_from_the_same_version_gets_a_conflict():
    org = make_municipality(name="Före")
    first = Organisation.objects.get(pk=org.pk)
    second = Organisation.objects.get(pk=org.pk)
    first.name = "Första"
    save_versioned(first, expected_version=0, update_fields=["name"])
    second.name = "Andra"
    with pytest.raises(EditConflict):
        save_versioned(second, expected_version=0, update_fields=["name"])
    org.refresh_from_db()
    assert org.name == "Första"
    assert org.version == 1


@pytest.mark.django_db
def test_editor_who_reloads_can_save():
    org = make_municipality()
    save_versioned(org, expected_version=0, update_fields=["name"])
    org.name = "Efter omladdning"
    save_versioned(org, expected_version=1, update_fields=["name"])
    org.refresh_from_db()
    assert (org.name, org.version) == ("Efter omladdning", 2)
