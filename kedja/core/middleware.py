"""Cross-cutting HTTP plumbing, written once: htmx sign-in redirects and security headers."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.utils import translation


class HtmxLoginRedirectMiddleware:
    """A redirect to the sign-in page answering an htmx request becomes HX-Redirect, so the whole page
    navigates instead of the sign-in form being swapped into a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            login_path = urlsplit(resolve_url(settings.LOGIN_URL)).path
            if urlsplit(response["Location"]).path == login_path:
                response.status_code = 204
                response["HX-Redirect"] = response["Location"]
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: Permissions-Policy, and no-store on pages for signed-in people
    (they may carry personal data, which must not linger in shared caches or the back button)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store, private"
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Swedish unless the person chose otherwise (the language switch or their account sets a cookie).
    The browser's Accept-Language is deliberately not used: a Swedish public-sector service speaks Swedish
    first, whatever language the workstation's browser happens to be installed in."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulMiddleware:
    """A request whose query or form fields hold a NUL character gets 400 with a message. No one types NUL,
    PostgreSQL cannot store or even compare it (a query with it fails: a server error wherever a view
    looks a typed value up directly), and SQLite would store it cut short. Uploaded files' bytes are not
    fields and are not looked at here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [request.GET]
        if request.method == "POST":
            fields.append(request.POST)
        for data in fields:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return HttpResponseBadRequest(
                        translation.gettext(
                            "The request holds a character Kedja does not accept (NUL). Nothing was saved; go "
                            "back and type the text again."
                        ),
                        content_type="text/plain; charset=utf-8",
                    )
        return self.get_response(request)
