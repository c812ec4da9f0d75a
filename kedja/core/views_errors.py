"""Kedja's own pages for 400, 403 (including a refused CSRF token), 404 and 500: in the person's language, with
the navigation, what happened in plain words and where to go. The 500 page is a standalone template that
needs no database, so it can be shown whatever failed."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def error_page(request, status: int, heading: str, *explanation: str):
    """A Kedja page that says what happened and where to go, with the navigation and no organisation named."""
    return render(
        request,
        "core/error_page.html",
        {"heading": heading, "explanation": explanation, "status": status},
        status=status,
    )


def bad_request(request, exception=None):
    return error_page(
        request,
        400,
        _("Kedja could not read the request"),
        _("What was sent was incomplete or malformed, so nothing was done."),
        _("Go back, reload the page and try again."),
    )


def permission_denied(request, exception=None):
    return error_page(
        request,
        403,
        _("You do not have access to this page"),
        _("The page exists, but none of your roles gives access to it."),
        _(
            "If you need it for your work, ask an administrator in your organisation for the role that "
            "gives access."
        ),
    )


def page_not_found(request, exception=None):
    return error_page(
        request,
        404,
        _("The page was not found"),
        _("The link may be old, or what it pointed to has been removed or moved."),
        _("Pages that belong to an organisation you do not work with are not shown either."),
    )


def csrf_failure(request, reason=""):
    return error_page(
        request,
        403,
        _("The form had expired"),
        _(
            "For your security Kedja only accepts a form from a page it showed you recently in this "
            "browser. Nothing was saved."
        ),
        _("Go back, reload the page and send the form again. Cookies must be allowed for this site."),
    )


def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render({}, request=None))
