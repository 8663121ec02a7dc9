"""Access-matrix entries for participant lists, person pages and invitations (see tests/access.py)."""

from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role  # noqa: F401
from tests.access import ObjectScoped, Public, RoleGated, SignedIn, school_for  # noqa: F401

ROUTES = {
    # A link token that matches nothing: the page explains, whoever opens it.
    "participants:accept_invitation": Public(status=404, kwargs=lambda world: {"token": "no-such-token"}),
}
