from kedja.access import policy


def shell(request):
    """What every page's header needs: my memberships and the one I work as now."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    mine = policy.memberships(user)
    return {"my_memberships": mine, "active_membership": policy.active_membership(user, request.session)}
