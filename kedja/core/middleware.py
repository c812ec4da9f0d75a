"""Cross-cutting HTTP plumbing, written once: htmx sign-in redirects and security headers."""

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url


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
