"""The organisation's logo (docs/plans.md, "The organisation's logo on the documents"): uploaded on the edit
page, checked by Pillow (a real PNG or JPEG of at most 1 MB, whatever the file name says), stored under
MEDIA_ROOT/logos/ and removable."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from kedja.organisations.forms import OrganisationForm

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str = "PNG", size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 60, 95)).save(out, format=fmt)
    return out.getvalue()


def post(world, **extra):
    client = Client()
    client.force_login(world.people["admin"])
    url = reverse("organisations:edit", args=[world.municipality.pk])
    data = {"name": world.municipality.name, "version": world.municipality.version, **extra}
    return client.post(url, data)


def test_edit_page_is_multipart_with_a_logo_field(world):
    client = Client()
    client.force_login(world.people["admin"])
    page = client.get(reverse("organisations:edit", args=[world.municipality.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="logo"' in page and 'accept="image/png,image/jpeg"' in page
    assert 'name="remove_logo"' not in page  # nothing to remove yet


def test_a_png_logo_is_stored(world):
    response = post(world, logo=SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png"))
    assert response.status_code == 302
    world.municipality.refresh_from_db()
    stored = Path(world.municipality.logo.path)
    assert world.municipality.logo.name.startswith("logos/")
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "logos")
    with Image.open(stored) as image:
        assert image.format == "PNG" and image.size == (40, 20)
    assert world.municipality.version == 1


def test_a_text_file_named_png_is_refused_with_a_message(world):
    fake = SimpleUploadedFile("logo.png", b"not an image at all\n" * 10, content_type="image/png")
    response = post(world, logo=fake)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_logo_error"' in page
    assert (
        "The file is not a real PNG file." in page
    )  # its first bytes are not a PNG's, whatever its name says
    world.municipality.refresh_from_db()
    assert not world.municipality.logo and world.municipality.version == 0


def test_other_image_formats_and_large_files_are_refused():
    from kedja.organisations.models import Organisation

    org = Organisation(kind="municipality", name="Norrby kommun")
    gif = SimpleUploadedFile("logo.gif", image_bytes("GIF"), content_type="image/gif")
    form = OrganisationForm({"name": org.name, "version": 0}, {"logo": gif}, instance=org)
    assert not form.is_valid()
    assert form.errors["logo"] == ["The logo must be a PNG or JPEG image."]

    big = Image.effect_noise((700, 700), 100).convert("RGB")  # noise does not compress: well over 1 MB
    out = io.BytesIO()
    big.save(out, format="PNG")
    assert len(out.getvalue()) > 1024 * 1024
    large = SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")
    form = OrganisationForm({"name": org.name, "version": 0}, {"logo": large}, instance=org)
    assert not form.is_valid()
    assert form.errors["logo"] == ["The file is larger than 1 MB."]

    jpeg = SimpleUploadedFile("logo.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    assert OrganisationForm({"name": org.name, "version": 0}, {"logo": jpeg}, instance=org).is_valid()


def test_saving_without_a_file_keeps_the_logo_and_remove_clears_it(world):
    post(world, logo=SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png"))
    world.municipality.refresh_from_db()
    name = world.municipality.logo.name
    assert post(world, email="kontakt@norrby.example").status_code == 302
    world.municipality.refresh_from_db()
    assert world.municipality.logo.name == name
    assert post(world, remove_logo="on").status_code == 302
    world.municipality.refresh_from_db()
    assert not world.municipality.logo


def test_a_conflicting_save_keeps_no_new_file(world):
    post(world, logo=SimpleUploadedFile("first.png", image_bytes(), content_type="image/png"))
    client = Client()
    client.force_login(world.people["admin"])
    url = reverse("organisations:edit", args=[world.municipality.pk])
    late = SimpleUploadedFile("second.png", image_bytes(size=(10, 10)), content_type="image/png")
    response = client.post(url, {"name": world.municipality.name, "version": 0, "logo": late})
    assert response.status_code == 409
    stored = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "logos").iterdir())
    assert len(stored) == 1 and stored[0].startswith("first")


def test_a_replaced_or_removed_logo_leaves_no_file_behind(world, django_capture_on_commit_callbacks):
    logos = Path(settings.MEDIA_ROOT) / "logos"
    with django_capture_on_commit_callbacks(execute=True):
        post(world, logo=SimpleUploadedFile("first.png", image_bytes(), content_type="image/png"))
    world.municipality.refresh_from_db()
    first = Path(world.municipality.logo.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post(
                world, logo=SimpleUploadedFile("second.png", image_bytes(), content_type="image/png")
            ).status_code
            == 302
        )
    world.municipality.refresh_from_db()
    assert not first.exists() and [p.name for p in logos.iterdir()] == [
        Path(world.municipality.logo.name).name
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert post(world, remove_logo="on", version=world.municipality.version).status_code == 302
    assert list(logos.iterdir()) == []


def _form(name, content):
    from kedja.organisations.models import Organisation

    org = Organisation(kind="municipality", name="Norrby kommun")
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    return OrganisationForm({"name": org.name, "version": 0}, {"logo": upload}, instance=org)


def test_a_30_mb_file_is_too_large_before_anything_else_is_said_about_it():
    form = _form("logo.png", b"\x89PNG\r\n\x1a\n" + b"x" * (30 * 1024 * 1024))
    assert not form.is_valid() and form.errors["logo"] == ["The file is larger than 1 MB."]
    form = _form("logo.png", b"just text " * 3_200_000)  # 30 MB of anything: still "too large" first
    assert form.errors["logo"] == ["The file is larger than 1 MB."]


def test_a_jpeg_named_png_is_refused_and_says_what_it_is():
    """Decided: name and content must agree for every upload, the logo too (no silent renaming)."""
    form = _form("logo.png", image_bytes("JPEG"))
    assert form.errors["logo"] == [
        "The file's name ends in .png, but it is really a JPEG file. Only a real PNG file is accepted here: "
        "save it again in that format."
    ]
    assert _form("logo.jpeg", image_bytes("JPEG")).is_valid()
    assert _form("LOGO.PNG", image_bytes("PNG")).is_valid()
