"""The demo data set: two delivery partners, their schools and one account per role.

Idempotent: every row is found by its natural key before it is created, so running the
seed twice changes nothing."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

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


_demo_password_hash = None


def _person(email, full_name):
    """A demo account. The shared, published demo password is hashed once and reused:
    hashing it afresh for each account took most of the seed's time."""
    global _demo_password_hash
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created:
        if _demo_password_hash is None:
            _demo_password_hash = make_password(DEMO_PASSWORD)
        user.password = _demo_password_hash
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
        _seed_training_records()
        _seed_lifecycle()
        _seed_coaching()
        _seed_events()
        _seed_release_time()
    return accounts


# The demo's two intakes: year-1 ECTs started in September 2026 on the 2026-28
# programme; year-2 ECTs started in September 2025 on the three-strand programme.
YEAR_1_START = dt.date(2026, 9, 2)
YEAR_2_START = dt.date(2025, 9, 3)


def _seed_training_records():
    """Programmes, cohorts, ECT and mentor records, school periods and mentorships for
    every demo school: mentor1 mentors ect1 and ect2 (year 1), mentor2 ect3 and ect4
    (year 2); ect2 of each school works 0.6 FTE; ect1 of every second school has
    fallen behind with self-study."""
    from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, Mentorship
    from programme.models import Cohort, Programme
    from programme.services import load_all_programmes

    load_all_programmes()
    User = get_user_model()
    for tenant in Tenant.objects.filter(slug__in=[spec["slug"] for spec in TENANTS]):
        cohorts = {
            1: Cohort.objects.get_or_create(
                tenant=tenant, name="September 2026",
                defaults={"start_year": 2026, "programme": Programme.objects.get(slug="ittecf-2026-28"),
                          "mentor_programme": Programme.objects.get(slug="ittecf-2026-28-mentor")},
            )[0],
            2: Cohort.objects.get_or_create(
                tenant=tenant, name="September 2025",
                defaults={"start_year": 2025, "programme": Programme.objects.get(slug="three-strand"),
                          "mentor_programme": Programme.objects.filter(slug="three-strand-mentor").first()},
            )[0],
        }
        for index, school in enumerate(School.objects.filter(tenant=tenant).order_by("urn")):
            short = f"{tenant.slug}-s{index + 1}"
            mentors = {}
            for key in ("mentor1", "mentor2"):
                user = User.objects.get(email=f"{key}.{short}@{DEMO_DOMAIN}")
                mentor, _ = Mentor.objects.get_or_create(tenant=tenant, user=user, defaults={"cohort": cohorts[1]})
                MentorAtSchool.objects.get_or_create(
                    tenant=tenant, mentor=mentor, school=school, defaults={"started_on": YEAR_2_START}
                )
                mentors[key] = mentor
            for number in (1, 2, 3, 4):
                year = 1 if number <= 2 else 2
                start = YEAR_1_START if year == 1 else YEAR_2_START
                user = User.objects.get(email=f"ect{number}.{short}@{DEMO_DOMAIN}")
                ect, _ = ECT.objects.get_or_create(
                    tenant=tenant, user=user,
                    defaults={"induction_start": start, "cohort": cohorts[year],
                              "fte": Decimal("0.60") if number == 2 else Decimal("1.00"),
                              "trn": f"{3000000 + index * 10 + number}", "phase": school.phase if school.phase in ("primary", "secondary", "special") else ""},
                )
                ECTAtSchool.objects.get_or_create(tenant=tenant, ect=ect, school=school, defaults={"started_on": start})
                mentor = mentors["mentor1" if year == 1 else "mentor2"]
                Mentorship.objects.get_or_create(tenant=tenant, ect=ect, mentor=mentor, defaults={"started_on": start})
                _seed_progress(ect, behind=(number == 1 and index % 2 == 1))


def _seed_progress(ect, *, behind):
    """Tick off what a conscientious ECT would have done by a week ago; an ECT who is
    ``behind`` stopped five weeks ago. Only for an ECT with no progress yet, so the
    seed stays idempotent and never overwrites what someone did in the demo."""
    from django.utils import timezone

    from programme.models import ActivityCompletion
    from programme.progress import ect_path

    if ActivityCompletion.objects.filter(tenant=ect.tenant, user=ect.user).exists():
        return
    today = timezone.localdate()
    cutoff = today - dt.timedelta(days=35 if behind else 7)
    rows = []
    for item in ect_path(ect, today=today).modules:
        if item.expected_by is None or item.expected_by >= cutoff:
            continue
        done_at = timezone.make_aware(dt.datetime.combine(item.expected_by - dt.timedelta(days=2), dt.time(16, 30)))
        rows += [
            ActivityCompletion(
                tenant=ect.tenant, user=ect.user, activity=state.activity, completed_at=done_at, completed_by=ect.user
            )
            for state in item.activities
        ]
    # Seeded, not a person's edit: no history rows needed.
    ActivityCompletion.objects.bulk_create(rows)


APPROPRIATE_BODIES = ["Northshire Induction Appropriate Body", "Independent Schools Induction Body"]


def _seed_lifecycle():
    """What a working delivery partner looks like a term in: appropriate bodies; most
    people onboarded (ect4 of each school not yet); in Northshire's first school a newly
    invited ECT, in its second a deferred ECT and in its third a mentor away for four
    weeks; Northshire reserves programme changes and transfers for its own approval.
    Each step only when missing, so the seed stays idempotent."""
    from django.utils import timezone

    from participants import services
    from participants.models import ECT, AppropriateBody, Mentor, Onboarding, Phase, TrainingStatus
    from programme.models import Cohort

    now = timezone.now()
    today = timezone.localdate()
    for tenant in Tenant.objects.filter(slug__in=[spec["slug"] for spec in TENANTS]):
        bodies = [AppropriateBody.objects.get_or_create(tenant=tenant, name=name)[0] for name in APPROPRIATE_BODIES]
        ECT.objects.filter(tenant=tenant, appropriate_body__isnull=True).update(appropriate_body=bodies[0])
        for record in [*ECT.objects.filter(tenant=tenant).select_related("user"),
                       *Mentor.objects.filter(tenant=tenant).select_related("user")]:
            if record.user.email.startswith("ect4."):
                continue
            school_phase = getattr(record, "phase", "") or Phase.PRIMARY
            Onboarding.objects.get_or_create(
                tenant=tenant, user=record.user,
                defaults={"phase": school_phase, "subject": getattr(record, "subject", "") or "General",
                          "working_pattern": "full_time", "terms_accepted_at": now, "completed_at": now},
            )
    tenant = Tenant.objects.get(slug="northshire")
    if not tenant.changes_needing_approval:
        tenant.changes_needing_approval = ["change_programme", "transfer"]
        tenant.save(update_fields=["changes_needing_approval"])
    schools = list(School.objects.filter(tenant=tenant).order_by("urn"))
    tutor = Membership.objects.get(tenant=tenant, school=schools[0], role=Role.INDUCTION_TUTOR)
    email = f"ect5.northshire-s1@{DEMO_DOMAIN}"
    if not get_user_model().objects.filter(email=email).exists():
        services.register_ect(
            actor=tutor.user, inviter=tutor, school=schools[0], email=email, full_name="Rosa Quint",
            induction_start=YEAR_1_START, cohort=Cohort.objects.get(tenant=tenant, name="September 2026"),
        )
    deferred = ECT.objects.get(tenant=tenant, user__email=f"ect3.northshire-s2@{DEMO_DOMAIN}")
    if deferred.training_status == TrainingStatus.ACTIVE:
        services.change_status(
            actor=None, ect=deferred, status=TrainingStatus.DEFERRED, reason="long_term_sickness",
            on=today - dt.timedelta(days=14),
        )
    away = Mentor.objects.get(tenant=tenant, user__email=f"mentor2.northshire-s3@{DEMO_DOMAIN}")
    if not away.absences.exists():
        services.record_mentor_absence(
            actor=None, mentor=away, started_on=today - dt.timedelta(days=28), reason="Sickness"
        )


def _seed_coaching():
    """The step libraries; a coaching history for every ECT with a mentor (up to the
    cycle before today's, which is the mentor's to log); Northshire's coach coaches the
    mentors of its first two schools, with a first session each. Idempotent."""
    from django.utils import timezone

    from coaching.history import seed_coaching_history
    from coaching.models import CoachAssignment, MentorCoachingSession
    from coaching.selectors import focus_areas_for, with_coaching_facts
    from participants.models import ECT, Mentor
    from programme.services import load_step_libraries

    load_step_libraries()
    today = timezone.localdate()
    for tenant in Tenant.objects.filter(slug__in=[spec["slug"] for spec in TENANTS]):
        seed_coaching_history(with_coaching_facts(ECT.objects.filter(tenant=tenant)), today=today, seed="demo")
    tenant = Tenant.objects.get(slug="northshire")
    coach = get_user_model().objects.get(email=f"coach@{tenant.slug}.{DEMO_DOMAIN}")
    for short in ("northshire-s1", "northshire-s2"):
        mentor = Mentor.objects.select_related("cohort").get(tenant=tenant, user__email=f"mentor1.{short}@{DEMO_DOMAIN}")
        assignment, created = CoachAssignment.objects.get_or_create(
            tenant=tenant, coach=coach, mentor=mentor, defaults={"started_on": YEAR_1_START}
        )
        if created and not MentorCoachingSession.objects.filter(tenant=tenant, mentor=mentor).exists():
            MentorCoachingSession.objects.create(
                tenant=tenant, coach=coach, mentor=mentor, held_on=dt.date(2026, 10, 13), minutes=60,
                focus_area=focus_areas_for(mentor)[0],
                notes="Looked at the last four steps together: each came from the module just studied.",
                next_step="Choose next week's step from an earlier module the ECT found hard.",
                created_at=timezone.now(),
            )


def _seed_events():
    """Delivery windows, sessions of 2026-27's conferences and clinics, bookings,
    registers and catch-up (``events.demo``). Idempotent."""
    from events.demo import seed_events

    seed_events(domain=DEMO_DOMAIN)


def _seed_release_time():
    """Each demo school's standard timetable for 2026-27 and its ECTs' autumn figures:
    most within their entitlement, ect2 of each school teaching over it (a shortfall),
    ect4 not yet recorded (shown as missing). Written through the services. Idempotent."""
    from decimal import Decimal

    from participants.models import ECT
    from reporting.models import StandardTimetable
    from reporting.release_time import teaching_ceiling
    from reporting.services import TermFigures, record_ect_term, set_standard_timetable

    today = dt.date(2026, 12, 1)  # within the autumn term the figures are for
    for spec in TENANTS:
        for index, (urn, _name, phase, _kind) in enumerate(spec["schools"]):
            school = School.objects.get(tenant__slug=spec["slug"], urn=urn)
            if StandardTimetable.objects.filter(tenant=school.tenant, school=school, academic_year=2026).exists():
                continue
            tutor = get_user_model().objects.get(email=f"tutor.{spec['slug']}-s{index + 1}@{DEMO_DOMAIN}")
            standard = Decimal("22.5") if phase != School.Phase.SECONDARY else Decimal("21.0")
            set_standard_timetable(actor=tutor, school=school, academic_year=2026, hours=standard, today=today)
            for number in (1, 2, 3):
                email = f"ect{number}.{spec['slug']}-s{index + 1}@{DEMO_DOMAIN}"
                ect = ECT.objects.filter(tenant=school.tenant, user__email=email).select_related("cohort").first()
                if ect is None:
                    continue
                year = 1 if ect.induction_start >= YEAR_1_START else 2
                ceiling = teaching_ceiling(standard, ect.fte, year)
                teaching = ceiling + Decimal("0.75") if number == 2 else ceiling - Decimal("0.5")
                record_ect_term(actor=tutor, school=school, term="2026-autumn", today=today, figures=TermFigures(
                    ect=ect, fte=ect.fte, teaching_hours=teaching.quantize(Decimal("0.01")),
                    mentor_hours=Decimal("1.00") if year == 1 else Decimal("0.50"),
                ))
