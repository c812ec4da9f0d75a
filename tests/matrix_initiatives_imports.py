"""Who may reach import and export of initiatives (kedja/initiatives/urls_imports.py).

Importing (template, upload, import) needs someone to register initiatives for
(initiatives.access.owners_for_new_initiative): the municipality's coordinator, head of schools and
organisation admin, a principal for their own school, and the outsider for their own municipality in the
other region. Everyone else signed in gets 403 — there is no object whose existence could leak.
The import with no checked file waiting sends the person back to the upload page (302).
Exporting is open to everyone signed in: the file holds only what the person sees (tested in
kedja/initiatives/tests/test_export.py), so a partner gets an empty file.
"""

from tests.matrix_base import EVERYONE, SIGNED_IN, Entry

IMPORTS = frozenset({"coordinator", "head_of_schools", "admin", "principal", "outsider"})

ENTRIES = {
    "initiatives:import_template": Entry("get", lambda w: [], IMPORTS, forbidden=EVERYONE - IMPORTS),
    "initiatives:import": Entry("get", lambda w: [], IMPORTS, forbidden=EVERYONE - IMPORTS),
    "initiatives:import_commit": Entry("post", lambda w: [], IMPORTS, forbidden=EVERYONE - IMPORTS, ok=302),
    "initiatives:export": Entry("get", lambda w: [], SIGNED_IN),
    "initiatives:export_csv": Entry("get", lambda w: [], SIGNED_IN),
}
