"""Access-matrix entries (see tests/access.py)."""

from tests.access import ObjectScoped, Public, RoleGated, SignedIn, school_for  # noqa: F401
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role  # noqa: F401

ROUTES = {}
