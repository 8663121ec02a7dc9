"""Access-matrix entries (see tests/access.py): the CSV import of participants."""

from schools.models import DELIVERY_PARTNER_ROLES, Role
from tests.access import ObjectScoped, SignedIn, school_for

IMPORTERS = DELIVERY_PARTNER_ROLES | {Role.INDUCTION_TUTOR}


def import_expected(role, place):
    """The role gate first (403), then the school: delivery partner staff import for any
    school of their tenant, the induction tutor for their own; otherwise 404."""
    if role not in IMPORTERS:
        return 403
    if role in DELIVERY_PARTNER_ROLES:
        return 200 if place in ("own", "sibling") else 404
    return 200 if place == "own" else 404


def school_kwargs(world, place, role):
    return {"pk": school_for(world, place).pk}


ROUTES = {
    "participants:import_template": SignedIn(),
    "participants:import": ObjectScoped(kwargs=school_kwargs, expected=import_expected),
    "participants:import_errors": ObjectScoped(
        kwargs=school_kwargs,
        data=lambda world, place, role: {"text": "role,full_name,email\nect,Nia Okafor,not-an-address\n"},
        expected=import_expected,
        method="post",
    ),
}
