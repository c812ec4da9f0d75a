"""The door of every follow-up page that shows student rows: sign-in, then a 404 for anyone whose roles can
never show a student row (a regional officer, politician, head of schools, admin — anyone who is not a
teacher or principal at a school unit), and only then the second factor. So nobody is asked to set up a
second factor for a page they would be refused anyway."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404

from kedja.accounts.second_factor import second_factor_required

from . import access


def student_rows_view(view):
    guarded = second_factor_required(view)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not access.units_with_rows(request.user):
            raise Http404()
        return guarded(request, *args, **kwargs)

    return login_required(wrapped)
