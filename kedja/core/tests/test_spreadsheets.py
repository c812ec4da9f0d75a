import io
from datetime import date

from openpyxl import load_workbook

from kedja.core.spreadsheets import Column, cell_text, uncell_text, workbook_bytes


def test_a_sheet_has_typed_cells_a_frozen_bold_header_and_guarded_text():
    columns = [Column("Namn", 30), Column("Antal", 8, "0"), Column("Datum", 12, "yyyy-mm-dd")]
    rows = [['=HYPERLINK("x")', 3, date(2026, 11, 27)], ["Åsa", None, None], ["", 0, date(2027, 1, 1)]]
    book = load_workbook(io.BytesIO(workbook_bytes([("Översikt", columns, rows), ("Två", columns[:1], [])])))
    sheet = book["Översikt"]
    assert [c.value for c in sheet[1]] == ["Namn", "Antal", "Datum"] and sheet[1][0].font.bold
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width == 30
    assert sheet["A2"].value == '\'=HYPERLINK("x")'  # never a formula
    assert sheet["B2"].value == 3 and sheet["B2"].number_format == "0" and sheet["B2"].data_type == "n"
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["B3"].value is None and sheet["A4"].value is None and sheet["B4"].value == 0
    assert book.sheetnames == ["Översikt", "Två"]


def test_cell_text_round_trips():
    for text in ("=1+1", "+46 70", "-3", "@sum", "vanlig text"):
        assert uncell_text(cell_text(text)) == text


def test_a_header_from_data_is_guarded_too():
    book = load_workbook(io.BytesIO(workbook_bytes([("Blad", [Column("=Område 1"), Column("Nivå")], [])])))
    assert [c.value for c in book["Blad"][1]] == ["'=Område 1", "Nivå"]


def test_xlsx_text_guards_only_real_formula_starts():
    from kedja.core.spreadsheets import xlsx_text

    assert xlsx_text("+46 19 21 10 00") == "+46 19 21 10 00"
    assert xlsx_text("-5") == "-5" and xlsx_text("019-21 10 00") == "019-21 10 00"
    assert xlsx_text("=1+1") == "'=1+1"
    assert xlsx_text("+SUM(1,2)") == "'+SUM(1,2)"
    assert xlsx_text("@SUM(A1)") == "'@SUM(A1)"
    assert xlsx_text("-Ta fram en plan") == "'-Ta fram en plan"
    assert xlsx_text("\t=cmd") == "'\t=cmd"
    assert xlsx_text(3) == 3 and xlsx_text(None) is None
    for text in ("=1+1", "+SUM(1,2)", "+46 19 21 10 00"):
        assert uncell_text(xlsx_text(text)) == text


def test_a_sheet_without_bold_header_or_frozen_panes_keeps_notes_styles_and_checks():
    from datetime import datetime

    from kedja.core.spreadsheets import Sheet, Styled, Validation

    columns = [Column("Kod", None, note="Koden"), Column("Datum", 12, "yyyy-mm-dd")]
    spec = Sheet(
        "Mall",
        columns,
        [[Styled("Exempel", italic=True), date(2027, 1, 1)], ["-5", None]],
        bold_header=False,
        freeze="C2",
        auto_filter=True,
        notes=[["Exporterad", Styled(datetime.fromisoformat("2026-12-01T08:30"), "yyyy-mm-dd hh:mm")]],
        guard=cell_text,
        formatted_rows=2,
        validations=[Validation("A2:A3", "whole", "0", operator="greaterThanOrEqual", error="Ett tal")],
    )
    sheet = load_workbook(io.BytesIO(workbook_bytes([spec])))["Mall"]
    assert not sheet["A1"].font.bold and sheet["A1"].comment.text == "Koden" and sheet.freeze_panes == "C2"
    assert sheet["A2"].font.italic and sheet["A3"].value == "'-5"  # cell_text guards "-5" too
    assert sheet["B3"].number_format == "yyyy-mm-dd"  # formatted though empty: a row to fill in
    assert sheet.auto_filter.ref == "A1:B3"  # the table only, not the notes
    assert sheet["A4"].value is None and sheet["A5"].value == "Exporterad"
    assert sheet["B5"].number_format == "yyyy-mm-dd hh:mm"
    assert str(sheet.data_validations.dataValidation[0].sqref) == "A2:A3"
    assert sheet.column_dimensions["B"].width == 12


def test_a_sheet_without_header_starts_with_its_first_row():
    from kedja.core.spreadsheets import Sheet, Styled

    spec = Sheet(
        "Hjälp", [Column("", 26)], [[Styled("Rubrik", bold=True, size=14)], [], ["Text"]], header=False
    )
    sheet = load_workbook(io.BytesIO(workbook_bytes([spec])))["Hjälp"]
    assert sheet["A1"].value == "Rubrik" and sheet["A1"].font.bold and sheet["A1"].font.size == 14
    assert sheet["A2"].value is None and sheet["A3"].value == "Text" and sheet.freeze_panes is None


def test_every_csv_file_has_one_shape_excel_in_sweden_opens():
    from datetime import datetime

    from kedja.core.spreadsheets import csv_bytes

    body = csv_bytes(
        ["Namn", "Värde"],
        [["=1+1", 2.5], ["a;b", None], [], ["När", datetime.fromisoformat("2026-01-02T03:04")]],
    )
    assert body.startswith("\ufeff".encode())  # the BOM Excel needs to read UTF-8
    assert body.decode("utf-8-sig") == 'Namn;Värde\r\n\'=1+1;2,5\r\n"a;b";\r\n\r\nNär;2026-01-02 03:04\r\n'


def test_a_sheet_is_read_back_by_name_else_the_first_and_a_broken_file_says_so():
    import pytest

    from kedja.core.spreadsheets import Sheet, UnreadableWorkbook, read_sheet_rows

    raw = workbook_bytes(
        [Sheet("Först", [Column("a")], [[1]]), Sheet("Data", [Column("b"), Column("c")], [[2, 3]])]
    )
    assert read_sheet_rows(raw, sheet="Data", max_col=1, max_row=5) == [("b",), (2,)]
    assert read_sheet_rows(raw, sheet="Saknas", max_col=2, max_row=1) == [("a", None)]
    with pytest.raises(UnreadableWorkbook):
        read_sheet_rows(b"PK\x03\x04 not a workbook", max_col=1, max_row=1)
