"""Access rules applied before a view runs.

Anonymous people are sent to sign in. A signed-in person whose active membership lacks
the role gets 403 for a role-gated page; objects outside what the active membership
may see answer 404 (the same answer as "does not exist"), from the selectors that
fetch them.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(*roles):
    allowed = frozenset(roles)

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.membership is None or request.membership.role not in allowed:
                raise PermissionDenied("Your active role cannot open this page.")
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator
