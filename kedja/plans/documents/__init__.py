"""The documents Kedja makes from the whole chain (docs/plans.md, "Documents"): the STEAM strategy and action
plan and the follow-up report, as PDF (pdf.py, WeasyPrint) and Word (docx.py, python-docx), both from the same
gathered content (content.py) and the same chart geometry (kedja/core/charts.py)."""
