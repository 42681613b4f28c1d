from __future__ import annotations

from django import template

from ungcuu.core.navigation import Menu, menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> Menu | None:
    """The signed-in person's menu, with the page being shown marked."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return menu_for(user, request.path)
