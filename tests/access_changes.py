"""Access-matrix entries (see tests/access.py): transfers and training-record export
and import."""

from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role  # noqa: F401
from tests.access import ObjectScoped, Public, RoleGated, SignedIn, school_for  # noqa: F401


def _ect(world, place, role):
    return {"pk": world.ects[place].pk}


def export_expected(role, place):
    """The ECT's school's leaders and the delivery partner's staff export; a mentor sees
    the training but does not export it, and the ECT has their own pages: 404 for
    them, as for anyone who cannot see the ECT."""
    if role in DELIVERY_PARTNER_ROLES:
        return 200 if place in ("own", "sibling") else 404
    if role in SCHOOL_LEADER_ROLES:
        return 200 if place == "own" else 404
    return 404


def transfer_expected(role, place):
    """School leaders of the ECT's school and the delivery partner's staff; other roles
    may never move anyone (403)."""
    if role in DELIVERY_PARTNER_ROLES:
        return 200 if place in ("own", "sibling") else 404
    if role in SCHOOL_LEADER_ROLES:
        return 200 if place == "own" else 404
    return 403


ROUTES = {
    "participants:export_record_json": ObjectScoped(kwargs=_ect, expected=export_expected),
    "participants:export_record_pdf": ObjectScoped(kwargs=_ect, expected=export_expected),
    "participants:transfer": ObjectScoped(kwargs=_ect, expected=transfer_expected),
    "participants:import_record": RoleGated(DELIVERY_PARTNER_ROLES),
}
