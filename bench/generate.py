"""Synthetic tenants for the benchmark, built once and cached (bench/README.md).

Two delivery partners are generated into one database: SMALL and LARGE = 10 x SMALL.
Each has a "focus school" with exactly 30 ECTs and 25 mentors, identical in both
tenants, so a school-level page shows the same content at both sizes and only the
tenant around it grows.

Generation is an ordered list of steps (``STEPS``). Each step is a function taking the
``Build`` of one tenant; steps run in registration order, tenant by tenant, inside one
transaction with tenant scopes disabled. A feature issue appends its own steps with
``@step`` (after the ones it depends on) and records in ``build.context`` whatever its
page cases need to find (ids, counts). Changing this file rebuilds the cache; bump
``GENERATOR_VERSION`` when a change in another file should force a rebuild.
"""

import json
import random
import time
from dataclasses import asdict, dataclass, field, replace

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django_scopes import scopes_disabled

from bench import HarnessError

GENERATOR_VERSION = 1

META_TABLE = "bench_meta"
BENCH_PASSWORD = "bench-password-not-secret"
EMAIL_DOMAIN = "bench.ectalign.test"
BATCH_SIZE = 500


# --- Tenant sizes -----------------------------------------------------------------


@dataclass(frozen=True)
class TenantSpec:
    size: str  # "small" or "large": the key of the tenant everywhere in the bench
    schools: int
    ects: int
    mentors: int
    dp_admins: int
    dp_staff: int
    facilitators: int
    coaches: int
    # The focus school: the school the school-level budgets are stated for.
    focus_ects: int = 30
    focus_mentors: int = 25

    def scaled(self, size, factor):
        return replace(
            self,
            size=size,
            schools=self.schools * factor,
            ects=self.ects * factor,
            mentors=self.mentors * factor,
            dp_admins=self.dp_admins * factor,
            dp_staff=self.dp_staff * factor,
            facilitators=self.facilitators * factor,
            coaches=self.coaches * factor,
        )


SMALL = TenantSpec("small", schools=30, ects=300, mentors=250, dp_admins=1, dp_staff=2, facilitators=2, coaches=2)
LARGE = SMALL.scaled("large", 10)
SPECS = (SMALL, LARGE)
SIZES = tuple(spec.size for spec in SPECS)


# --- What the pages get ---------------------------------------------------------------


@dataclass
class TenantContext:
    """What a page case knows about one generated tenant (persisted as JSON).

    ``users`` maps a key ("ect", "mentor", "induction_tutor", "headteacher",
    "dp_admin", "dp_staff", "facilitator", "coach", or any key a later step records)
    to a user id; ``counts`` holds how many of each thing were made; ``extra`` is free
    for later steps (ids of records their pages open)."""

    size: str
    tenant_id: int = 0
    focus_school_id: int = 0
    users: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def user(self, key):
        from django.contrib.auth import get_user_model

        with scopes_disabled():
            return get_user_model().objects.get(pk=self.users[key])

    def to_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, data):
        return cls(**data)


# --- Building -------------------------------------------------------------------------


class Build:
    """The state of one tenant's generation, handed to every step."""

    def __init__(self, spec, password_hash):
        self.spec = spec
        self.size = spec.size
        self.rng = random.Random(f"ectalign-bench-{GENERATOR_VERSION}-{spec.size}")
        self.password_hash = password_hash
        self.slug = f"bench-{spec.size}"
        self.tenant = None
        self.schools = []  # focus school first
        self.focus_school = None
        self.context = TenantContext(size=spec.size)
        self.data = {}  # shared between steps, not persisted
        self._serial = 0

    def full_name(self):
        from schools.demo import FIRST_NAMES, LAST_NAMES

        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def make_users(self, prefix, count):
        """``count`` new people (bulk-created), e-mail ``<prefix><n>@<tenant>.<domain>``,
        all with the one precomputed password hash."""
        import factory

        from ectalign.factories import UserFactory

        users = []
        for _ in range(count):
            self._serial += 1
            users.append(
                UserFactory.build(
                    email=f"{prefix}{self._serial}@{self.slug}.{EMAIL_DOMAIN}",
                    full_name=self.full_name(),
                    password=factory.Transformer.Force(self.password_hash),
                )
            )
        return self.bulk(users)

    def make_memberships(self, role, pairs):
        """Memberships of ``role`` for ``(user, school_or_None)`` pairs (bulk-created)."""
        from schools.factories import MembershipFactory

        return self.bulk(
            [MembershipFactory.build(user=user, school=school, tenant=self.tenant, role=role) for user, school in pairs]
        )

    def bulk(self, objects):
        if not objects:
            return []
        model = type(objects[0])
        return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)

    def record_user(self, key, user):
        self.context.users[key] = user.pk

    def count(self, key, value):
        self.context.counts[key] = self.context.counts.get(key, 0) + value


def spread(total, buckets):
    """``total`` items over ``buckets`` as evenly as possible (first buckets get more)."""
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


# --- Steps ----------------------------------------------------------------------------

STEPS = []


def step(function):
    """Register a generator step (they run in registration order)."""
    if any(s.__name__ == function.__name__ for s in STEPS):
        raise ValueError(f"generator step {function.__name__} is registered twice")
    STEPS.append(function)
    return function


@step
def tenant_and_schools(build):
    from schools.factories import SchoolFactory, TenantFactory
    from schools.models import School, Tenant

    spec = build.spec
    build.tenant = TenantFactory.create(
        name=f"Bench {spec.size.title()} Delivery Partner", slug=build.slug, kind=Tenant.Kind.LOCAL_AUTHORITY
    )
    build.context.tenant_id = build.tenant.pk
    phases = [School.Phase.PRIMARY] * 6 + [School.Phase.SECONDARY] * 3 + [School.Phase.SPECIAL]
    types = [School.Type.MAINTAINED] * 5 + [School.Type.ACADEMY] * 4 + [School.Type.INDEPENDENT]
    schools = []
    for index in range(spec.schools):
        name = "Focus Bench School" if index == 0 else f"Bench School {index:04d}"
        schools.append(
            SchoolFactory.build(
                tenant=build.tenant,
                urn=f"{100000 + index:06d}",
                name=name,
                phase=build.rng.choice(phases),
                type=build.rng.choice(types),
            )
        )
    build.schools = build.bulk(schools)
    build.focus_school = build.schools[0]
    build.context.focus_school_id = build.focus_school.pk
    build.count("schools", len(build.schools))


@step
def school_leaders(build):
    """One induction tutor and one headteacher per school."""
    from schools.models import Role

    leaders = ((Role.INDUCTION_TUTOR, "tutor", "induction_tutor"), (Role.HEADTEACHER, "head", "headteacher"))
    for role, prefix, key in leaders:
        users = build.make_users(prefix, len(build.schools))
        build.make_memberships(role, zip(users, build.schools, strict=True))
        build.record_user(key, users[0])  # the focus school's
        build.count(key, len(users))


@step
def ects(build):
    """The ECTs: 30 in the focus school, the rest spread over the other schools; years
    alternate so half are in year 1 and half in year 2 (``build.data["ect_year"]`` maps
    user id to year for later steps: a Membership has no year yet)."""
    from schools.models import Role

    spec = build.spec
    per_school = [spec.focus_ects] + spread(spec.ects - spec.focus_ects, len(build.schools) - 1)
    users = build.make_users("ect", spec.ects)
    pairs = []
    remaining = iter(users)
    for school, count in zip(build.schools, per_school, strict=True):
        pairs += [(next(remaining), school) for _ in range(count)]
    build.make_memberships(Role.ECT, pairs)
    build.data["ect_year"] = {user.pk: 1 + index % 2 for index, user in enumerate(users)}
    build.data["ects_by_school"] = {}
    for user, school in pairs:
        build.data["ects_by_school"].setdefault(school.pk, []).append(user)
    build.record_user("ect", users[0])  # a year 1 ECT of the focus school
    build.count("ects", len(users))
    build.count("ects_year_1", sum(1 for year in build.data["ect_year"].values() if year == 1))
    build.count("focus_ects", per_school[0])


@step
def mentors(build):
    """The mentors, each in one school: 25 in the focus school, the rest spread."""
    from schools.models import Role

    spec = build.spec
    per_school = [spec.focus_mentors] + spread(spec.mentors - spec.focus_mentors, len(build.schools) - 1)
    users = build.make_users("mentor", spec.mentors)
    pairs = []
    remaining = iter(users)
    for school, count in zip(build.schools, per_school, strict=True):
        pairs += [(next(remaining), school) for _ in range(count)]
    build.make_memberships(Role.MENTOR, pairs)
    build.data["mentors_by_school"] = {}
    for user, school in pairs:
        build.data["mentors_by_school"].setdefault(school.pk, []).append(user)
    build.record_user("mentor", users[0])  # a mentor of the focus school
    build.count("mentors", len(users))
    build.count("focus_mentors", per_school[0])


@step
def delivery_partner_staff(build):
    """The delivery partner's own people: admins, staff, facilitators and coaches."""
    from schools.models import Role

    spec = build.spec
    for role, count, key in (
        (Role.DP_ADMIN, spec.dp_admins, "dp_admin"),
        (Role.DP_STAFF, spec.dp_staff, "dp_staff"),
        (Role.FACILITATOR, spec.facilitators, "facilitator"),
        (Role.COACH, spec.coaches, "coach"),
    ):
        users = build.make_users(key.replace("_", "-"), count)
        build.make_memberships(role, [(user, None) for user in users])
        build.record_user(key, users[0])
        build.count(key, len(users))


# --- The cache --------------------------------------------------------------------------


def generate(log=print):
    """Run every step for every tenant; return ``{size: TenantContext}``."""
    password_hash = make_password(BENCH_PASSWORD)
    contexts = {}
    with scopes_disabled(), transaction.atomic():
        for spec in SPECS:
            build = Build(spec, password_hash)
            for function in STEPS:
                started = time.perf_counter()
                function(build)
                log(f"  {spec.size:<5} {function.__name__:<28} {time.perf_counter() - started:6.2f} s")
            contexts[spec.size] = build.context
    return contexts


def read_meta():
    """The cached build's description, or None when there is no complete build."""
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor == "sqlite" and not _sqlite_file_exists(name):
        return None
    if META_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE name = %s", ["meta"])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _sqlite_file_exists(name):
    from pathlib import Path

    return name not in ("", ":memory:") and Path(name).exists()


def _write_meta(meta):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name varchar(50) PRIMARY KEY, value text NOT NULL)")
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.execute(f"INSERT INTO {META_TABLE} (name, value) VALUES (%s, %s)", ["meta", json.dumps(meta)])


def _wipe_database():
    """Empty the bench database before a rebuild."""
    from pathlib import Path

    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor == "sqlite":
        connection.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    elif connection.vendor == "postgresql":
        if "bench" not in name:
            raise HarnessError(
                f"BENCH_DATABASE_URL names database {name!r}: the bench drops and rebuilds its schema, so the "
                "database name must contain 'bench' (create one, e.g. `createdb ectalign_bench`)."
            )
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        raise HarnessError(f"The bench cannot rebuild a {connection.vendor} database.")


def ensure_database(rebuild=False, log=print):
    """Reuse the cached build when its key matches, else rebuild it. Return its meta:
    ``{"key", "version", "built_at", "build_seconds", "contexts": {size: {...}}}``
    with each context turned back into a ``TenantContext``."""
    from bench import cache_key

    key = cache_key()
    try:
        meta = None if rebuild else read_meta()
    except OperationalError as error:
        raise HarnessError(f"cannot open the bench database: {error}") from error
    if meta and meta.get("key") == key:
        log(f"bench: reusing the cached database ({key}, built in {meta['build_seconds']:.1f} s)")
    else:
        reason = "forced" if rebuild else ("missing" if meta is None else f"stale: {meta.get('key')}")
        log(f"bench: building the database ({key}; cache {reason})")
        started = time.perf_counter()
        _wipe_database()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # A throwaway file: durability does not matter while building it.
                cursor.execute("PRAGMA synchronous = OFF")
                cursor.execute("PRAGMA journal_mode = MEMORY")
        call_command("migrate", verbosity=0, interactive=False)
        migrated = time.perf_counter()
        log(f"  migrate {migrated - started:.2f} s")
        contexts = generate(log=log)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as a settled database has
        meta = {
            "key": key,
            "version": GENERATOR_VERSION,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - started, 2),
            "migrate_seconds": round(migrated - started, 2),
            "contexts": {size: context.to_json() for size, context in contexts.items()},
        }
        _write_meta(meta)  # last: a build interrupted before this line is rebuilt
        if connection.vendor == "sqlite":
            connection.close()  # back to the settings' normal pragmas
        log(f"bench: built in {meta['build_seconds']:.1f} s")
    meta = dict(meta)
    meta["contexts"] = {size: TenantContext.from_json(data) for size, data in meta["contexts"].items()}
    return meta
