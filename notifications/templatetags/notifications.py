from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """The signed-in person's unread count in the active delivery partner (cached)."""
    from notifications.centre import unread_count

    request = context.get("request")
    if request is None or getattr(request, "tenant", None) is None:
        return 0
    return unread_count(tenant=request.tenant, user=request.user)
