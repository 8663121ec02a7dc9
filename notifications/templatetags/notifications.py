from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """The signed-in person's unread count in the active delivery partner: one query."""
    from notifications.centre import listed_for

    request = context.get("request")
    if request is None or getattr(request, "tenant", None) is None:
        return 0
    return listed_for(tenant=request.tenant, user=request.user).filter(read_at__isnull=True).count()
