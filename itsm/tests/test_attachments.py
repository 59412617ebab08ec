"""Attachment checks and downloads (SECURITY.md T40)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from itsm.attachments import clean_filename, download_response, validate_upload

POLYGLOT = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"


def upload(name: str, content: bytes = b"some bytes") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal_code(file) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(file)
    return caught.value.code


@pytest.mark.parametrize(
    "name",
    [
        "page.html",
        "page.htm",
        "logo.svg",
        "app.js",
        "setup.exe",
        "PAGE.HTML",
        "report.pdf.html",
        "script.mjs",
        "noextension",
        "trailing-dot.",
    ],
)
def test_dangerous_or_unknown_types_are_refused(name):
    assert refusal_code(upload(name)) == "attachment_type"


@pytest.mark.parametrize("name", ["report.pdf", "SCREEN.PNG", "notes.txt", "page.html.pdf"])
def test_allowed_types_pass_and_return_the_clean_name(name):
    assert validate_upload(upload(name)) == name


def test_type_message_names_the_allowed_types():
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload("logo.svg"))

    assert "'.svg'" in caught.value.message
    assert "pdf" in caught.value.message


def test_empty_file_is_refused():
    assert refusal_code(upload("empty.txt", b"")) == "attachment_empty"


def test_file_over_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 16

    assert refusal_code(upload("big.txt", b"x" * 17)) == "attachment_too_large"
    assert validate_upload(upload("fits.txt", b"x" * 16)) == "fits.txt"


def test_path_in_upload_name_is_dropped():
    assert validate_upload(upload("../../etc/notes.txt")) == "notes.txt"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\boot.ini", "boot.ini"),
        ("/absolute/path/report.pdf", "report.pdf"),
        ("inv\x00oice.pdf", "invoice.pdf"),
        ("a\r\nSet-Cookie: x=1.txt", "aSet-Cookie: x=1.txt"),
        ('say "hi".txt', "say hi.txt"),
        ("..hidden.txt", "hidden.txt"),
        ("  spaced.txt  ", "spaced.txt"),
        ("\u202etxt.exe", "txt.exe"),
        ("", "attachment"),
        ("../", "attachment"),
        ("\x00\r\n", "attachment"),
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_clean_filename_limits_length():
    assert len(clean_filename("a" * 500 + ".txt")) == 200


def stored(name: str, content: bytes) -> SimpleNamespace:
    # The download helper needs only a file field and the original name.
    return SimpleNamespace(file=ContentFile(content, name="stored-name"), original_name=name)


@pytest.mark.parametrize("name", ["photo.jpg", "page.html", "logo.svg", "notes.txt"])
def test_download_is_an_attachment_browsers_will_not_render(name):
    response = download_response(stored(name, POLYGLOT))

    assert response["Content-Disposition"].startswith("attachment;")
    assert name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert "html" not in response["Content-Type"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == POLYGLOT


def test_download_name_with_non_ascii_is_encoded():
    response = download_response(stored("résumé.pdf", b"%PDF-1.7"))

    assert "filename*=utf-8''r%C3%A9sum%C3%A9.pdf" in response["Content-Disposition"]
