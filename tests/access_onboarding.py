"""Access-matrix entries for onboarding and the monitoring answers (see tests/access.py).

The monitoring pages are the person's own data: any signed-in person reaches their own
answers (nobody reaches anyone else's: the pages take no id). Withdrawing is a POST
that answers with a redirect to the person's own page."""

from schools.models import DELIVERY_PARTNER_ROLES, Role
from tests.access import RoleGated, SignedIn

ROUTES = {
    "participants:onboarding": RoleGated(frozenset({Role.ECT, Role.MENTOR})),
    "participants:my_monitoring": SignedIn(),
    "participants:withdraw_monitoring": SignedIn(status=302, method="post"),
    "participants:monitoring_summary": RoleGated(DELIVERY_PARTNER_ROLES),
}
