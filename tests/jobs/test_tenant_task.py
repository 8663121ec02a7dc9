"""Tasks run inside their tenant's scope on a real worker, taking ids only."""

import pytest
from django_scopes import ScopeError

from ectalign.celery import app
from ectalign.tasks import CrossTenantTask, TenantTask
from schools.models import School

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.broker]


@app.task(base=TenantTask, name="tests.school_names_in_scope")
def school_names_in_scope(*, tenant_id):
    return sorted(School.objects.values_list("name", flat=True))


@app.task(base=CrossTenantTask, name="tests.count_all_schools")
def count_all_schools():
    return School.objects.count()


@app.task(name="tests.unscoped_query")
def unscoped_query():
    try:
        School.objects.count()
    except ScopeError:
        return "refused"
    return "read everything"


def test_a_tenant_task_sees_only_its_tenant(world, celery_worker):
    result = school_names_in_scope.delay(tenant_id=world.tenant_a.pk)
    assert result.get(timeout=60) == ["Alder Primary", "Aspen Academy"]
    result = school_names_in_scope.delay(tenant_id=world.tenant_b.pk)
    assert result.get(timeout=60) == ["Birch School"]


def test_a_task_without_scope_cannot_read_tenant_data(world, celery_worker):
    assert unscoped_query.delay().get(timeout=60) == "refused"


def test_cross_tenant_work_is_declared(world, celery_worker):
    assert count_all_schools.delay().get(timeout=60) == 3


def test_a_tenant_task_needs_its_tenant(world):
    with pytest.raises(TypeError, match="must be called with tenant_id"):
        school_names_in_scope.apply(kwargs={}).get()


def test_healthz_reports_the_real_broker(world, celery_worker, client):
    response = client.get("/healthz")
    failing = {name: check for name, check in response.json()["checks"].items() if not check["ok"]}
    assert response.status_code == 200, f"/healthz is unhealthy: {failing}"
    assert response.json()["checks"]["broker"] == {"ok": True, "mode": "broker"}
