from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """The signed-in person's unread count in the active delivery partner: one query."""
    from django.utils import timezone

    from notifications.models import Notification

    request = context.get("request")
    if request is None or not request.user.is_authenticated or getattr(request, "tenant", None) is None:
        return 0
    return Notification.objects.filter(
        tenant=request.tenant, recipient=request.user, read_at__isnull=True,
        status__in=[Notification.Status.SENT, Notification.Status.SKIPPED, Notification.Status.PENDING],
        due_at__lte=timezone.now(),
    ).count()
