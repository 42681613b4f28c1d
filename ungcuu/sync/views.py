"""The three calls a node makes to its hub: bootstrap, push, pull (ungcuu/sync/node.py
is the other end). Authenticated by the node key; every call is a heartbeat."""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ungcuu.core.errors import ServiceError
from ungcuu.sync import hub, wire
from ungcuu.sync.records import SyncError


def _error(status: int, detail: str, field: str | None = None) -> JsonResponse:
    body = {"detail": detail}
    if field:
        body["field"] = field
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _packed(data) -> HttpResponse:
    response = HttpResponse(wire.pack(data), content_type="application/json")
    response["Content-Encoding"] = "gzip"
    return response


def _node_call(handler):
    @csrf_exempt
    def view(request: HttpRequest):
        node = hub.authenticate(request.headers.get("Authorization", ""))
        if node is None:
            return _error(401, "Mã của máy Trung tâm (node key) không đúng hoặc đã bị thu hồi.")
        body = {}
        if request.method == "POST":
            try:
                body = wire.unpack(request.body, request.headers.get("Content-Encoding", ""))
            except wire.BadBody as exc:
                return _error(400, str(exc))
            if not isinstance(body, dict):
                return _error(400, "Gói đồng bộ không hợp lệ.")
        backlog = body.get("backlog")
        hub.heard(
            node,
            address=request.META.get("REMOTE_ADDR", ""),
            backlog=backlog if isinstance(backlog, int) and 0 <= backlog < 10**9 else None,
        )
        try:
            return _packed(handler(node, body))
        except SyncError as exc:
            return _error(422, exc.message)
        except ServiceError as exc:
            return _error(exc.status or 400, exc.message, next(iter(exc.fields), None))
        except DatabaseError as exc:  # e.g. a row the database refuses: the batch is kept
            return _error(422, f"Không ghi được gói đồng bộ: {exc}")

    return view


bootstrap = require_http_methods(["GET"])(_node_call(lambda node, body: hub.bootstrap(node)))
push = require_http_methods(["POST"])(_node_call(hub.push))
pull = require_http_methods(["POST"])(_node_call(hub.pull))
