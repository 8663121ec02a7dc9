"""The demo data set: two delivery partners, their schools and one account per role.

Idempotent: every row is found by its natural key before it is created, so running the
seed twice changes nothing."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django_scopes import scopes_disabled

from schools.models import Membership, Role, School, Tenant

DEMO_PASSWORD = "ectalign-demo-2026"
DEMO_DOMAIN = "demo.ectalign.test"

TENANTS = [
    {
        "slug": "northshire",
        "name": "Northshire Improvement Service",
        "kind": Tenant.Kind.LOCAL_AUTHORITY,
        "schools": [
            ("900001", "Ashcombe Primary School", School.Phase.PRIMARY, School.Type.MAINTAINED),
            ("900002", "Beacon Hill Academy", School.Phase.SECONDARY, School.Type.ACADEMY),
            ("900003", "Cedarbrook Church of England Primary", School.Phase.PRIMARY, School.Type.MAINTAINED),
            ("900004", "Dunmore Park School", School.Phase.SPECIAL, School.Type.INDEPENDENT),
        ],
        "staff": [("dp-admin", "Priya Natarajan", Role.DP_ADMIN), ("dp-staff", "Owen Hartley", Role.DP_STAFF),
                  ("facilitator", "Grace Oduya", Role.FACILITATOR), ("coach", "Tomasz Wilk", Role.COACH)],
    },
    {
        "slug": "riverside",
        "name": "Riverside Teaching School Hub",
        "kind": Tenant.Kind.TEACHING_SCHOOL_HUB,
        "schools": [("900101", "Elmstead Secondary School", School.Phase.SECONDARY, School.Type.ACADEMY)],
        "staff": [("dp-admin", "Hannah Brooks", Role.DP_ADMIN)],
    },
]

FIRST_NAMES = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Finn", "Gabi", "Harvey", "Isla", "Jay", "Kiera", "Leo",
               "Maya", "Nathan", "Olivia", "Pavel", "Rosa", "Sam", "Tara", "Umar", "Vera", "Will", "Yasmin", "Zac"]
LAST_NAMES = ["Adeyemi", "Barker", "Choudhury", "Dawson", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones",
              "Kaur", "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Quinn", "Reid", "Singh", "Turner"]


@dataclass
class DemoAccount:
    role: str
    email: str
    where: str


def _person(email, full_name):
    User = get_user_model()
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _member(user, tenant, role, school=None):
    Membership.objects.get_or_create(user=user, tenant=tenant, school=school, role=role)


@transaction.atomic
def seed_demo():
    """Create the demo data if missing; return the demo accounts (one per role and
    place), in a stable order."""
    accounts = []
    counter = 0
    with scopes_disabled():
        for spec in TENANTS:
            tenant, _ = Tenant.objects.get_or_create(slug=spec["slug"], defaults={"name": spec["name"], "kind": spec["kind"]})
            for key, name, role in spec["staff"]:
                email = f"{key}@{spec['slug']}.{DEMO_DOMAIN}"
                _member(_person(email, name), tenant, role)
                accounts.append(DemoAccount(Role(role).label, email, tenant.name))
            for index, (urn, name, phase, kind) in enumerate(spec["schools"]):
                school, _ = School.objects.get_or_create(
                    tenant=tenant, urn=urn, defaults={"name": name, "phase": phase, "type": kind}
                )
                short = f"{spec['slug']}-s{index + 1}"
                people = [("tutor", Role.INDUCTION_TUTOR), ("head", Role.HEADTEACHER)]
                people += [(f"mentor{i}", Role.MENTOR) for i in (1, 2)]
                people += [(f"ect{i}", Role.ECT) for i in (1, 2, 3, 4)]
                for key, role in people:
                    counter += 1
                    full_name = f"{FIRST_NAMES[counter % len(FIRST_NAMES)]} {LAST_NAMES[(counter * 7) % len(LAST_NAMES)]}"
                    email = f"{key}.{short}@{DEMO_DOMAIN}"
                    _member(_person(email, full_name), tenant, role, school)
                    if key in ("tutor", "head", "mentor1", "ect1"):
                        accounts.append(DemoAccount(Role(role).label, email, school.name))
        # A person with two roles, to show switching: the first school's induction
        # tutor also mentors there.
        tenant = Tenant.objects.get(slug="northshire")
        first_school = School.objects.get(tenant=tenant, urn="900001")
        tutor = get_user_model().objects.get(email=f"tutor.northshire-s1@{DEMO_DOMAIN}")
        _member(tutor, tenant, Role.MENTOR, first_school)
    return accounts
