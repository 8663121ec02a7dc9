"""Access-matrix entries for the delivery partner's reports (see tests/access.py).

The reports cover the whole delivery partner: its staff (admin and staff) open them and
see their own tenant's figures alone (tests/reporting/test_partner_reports.py shows
tenant B's schools never appear); every other role gets 403. "Refresh now" is a POST
that queues the job and sends the person back to the report (302)."""

from schools.models import DELIVERY_PARTNER_ROLES
from tests.access import ObjectScoped, RoleGated


def refresh_expected(role, place):
    return 302 if role in DELIVERY_PARTNER_ROLES else 403


ROUTES = {
    "partner_reports:schools": RoleGated(DELIVERY_PARTNER_ROLES),
    "partner_reports:cohorts": RoleGated(DELIVERY_PARTNER_ROLES),
    "partner_reports:refresh_status": RoleGated(DELIVERY_PARTNER_ROLES),
    "partner_reports:monitoring_csv": RoleGated(DELIVERY_PARTNER_ROLES),
    # No object: the same request at every place (the tenant is the person's own).
    "partner_reports:refresh": ObjectScoped(
        kwargs=lambda world, place, role: {}, expected=refresh_expected, method="post",
    ),
}
