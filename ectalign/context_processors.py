from schools.models import Role


def tenancy(request):
    return {
        "active_membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
        "Role": Role,
    }
