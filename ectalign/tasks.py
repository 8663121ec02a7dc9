"""The base for every Celery task that works inside one tenant.

Tasks take ids, never model instances. ``TenantTask`` re-enters the tenant's scope from
the ``tenant_id`` keyword argument, so the task body runs under the same rule as a
request: an unscoped query raises. A job that spans tenants says so by using
``CrossTenantTask`` (which visibly disables scopes) instead.
"""

from celery import Task
from django_scopes import scopes_disabled

from ectalign.tenancy import tenant_scope


class TenantTask(Task):
    abstract = True

    def __call__(self, *args, **kwargs):
        if "tenant_id" not in kwargs:
            raise TypeError(f"{self.name} must be called with tenant_id=<id> (keyword).")
        with tenant_scope(kwargs["tenant_id"]):
            return super().__call__(*args, **kwargs)


class CrossTenantTask(Task):
    abstract = True

    def __call__(self, *args, **kwargs):
        with scopes_disabled():
            return super().__call__(*args, **kwargs)
