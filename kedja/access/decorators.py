"""How views ask the access layer: `require_perm` loads the object through the visible queryset (404 for
outsiders, so existence is not revealed) and checks the permission (403 for insiders without the right)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kedja.organisations.models import Membership, Organisation

from . import policy


def get_organisation_for(user, pk, perm: str = "organisations.view_organisation") -> Organisation:
    try:
        org = policy.visible_organisations(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError):
        raise Http404() from None
    if not user.has_perm(perm, org):
        raise PermissionDenied()
    return org


def get_membership_for(user, pk, perm: str = "organisations.manage_members") -> Membership:
    try:
        membership = Membership.objects.select_related("organisation", "user").get(
            pk=pk, organisation__in=policy.visible_organisations(user)
        )
    except (Membership.DoesNotExist, ValueError):
        raise Http404() from None
    if not user.has_perm(perm, membership.organisation):
        raise PermissionDenied()
    return membership


def require_org_perm(perm: str, kwarg: str = "org_id"):
    """Decorator: sign-in required; the URL's `org_id` becomes an `org` argument the person may use."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            org = get_organisation_for(request.user, kwargs.pop(kwarg), perm)
            return view(request, org, *args, **kwargs)

        return wrapper

    return decorator
