"""{% address_state as address %}: the public address in use and whether phones can open it."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from ungcuu.core import site

register = template.Library()
CONCERNED = frozenset({"center_leader", "it_officer", "admin"})


@dataclass(frozen=True)
class _State:
    url: str
    loopback: bool
    may_set: bool
    concerned: bool  # a leader, the IT officer, an administrator: told when it is wrong


@register.simple_tag(takes_context=True)
def address_state(context) -> _State:
    from ungcuu.core.views import may_set_address

    request = context.get("request")
    user = getattr(request, "user", None)
    state = site.address_state()
    return _State(
        url=state.url,
        loopback=state.loopback,
        may_set=bool(user is not None and may_set_address(user)),
        concerned=bool(
            user is not None
            and user.is_authenticated
            and (user.is_superuser or user.role in CONCERNED)
        ),
    )
