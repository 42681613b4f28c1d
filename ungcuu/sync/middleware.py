"""At a center's node, what the hub owns is read here, never written: the plan, the
contacts and channels, the duty roster, the notification policy, the people and their
sign-in devices. A form sent to change one of them is answered with where to do it,
and nothing changes (the next pull would bring the hub's version back anyway)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from ungcuu.sync.conf import is_node

HUB_OWNED = re.compile(
    r"^/(contacts|duty|policy|setup|admin|plan/adjust|readiness/check/items|two-step/setup)"
    r"(/|$)|^/guides/[^/]+/note/"
)
MESSAGE = _(
    "Đây là máy của Trung tâm: mục này do máy chủ của tỉnh quản lý. Hãy sửa trên máy chủ "
    "của tỉnh; máy này nhận lại thay đổi trong vòng một phút."
)


class NodeReadOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and is_node() and HUB_OWNED.match(request.path_info):
            messages.error(request, MESSAGE)
            return redirect(request.path_info)
        return self.get_response(request)
