from kedja.core.files import download_response, safe_filename


def test_an_export_is_an_attachment_with_its_type_a_safe_name_and_nosniff():
    response = download_response(b"x", filename="mål/..\nlista.xlsx", content_type="text/csv; charset=utf-8")
    assert response.content == b"x" and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''m%C3%A5l-..-lista.xlsx"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        download_response(b"", filename="a.pdf", content_type="application/pdf", inline=True)[
            "Content-Disposition"
        ]
        == 'inline; filename="a.pdf"'
    )
    assert safe_filename("") == "download"
