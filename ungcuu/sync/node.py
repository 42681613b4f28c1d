"""The node's side: fill itself from the hub, then keep in step with it.

- It pushes what it wrote within a few seconds (PUSH_EVERY), in batches of PUSH_BATCH
  changes; the hub answers with how far it took, and only then does the node forget
  them. A batch cut off halfway is sent again whole: applying it twice changes nothing.
- It pulls the hub's records of the center (and the reference data, when its digest
  changed) every PULL_EVERY seconds; the ids it applied are written with the records and
  confirmed to the hub with the next pull, which only then forgets them.
- Any failure (no link, the hub down, a cut mid-body) waits a little longer each time,
  up to MAX_WAIT, and tries again. Nothing is lost: the outbox and the ids to confirm
  are rows of the node's own database, written in the same transactions as the records.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.db import close_old_connections, transaction
from django.utils import timezone

from ungcuu.sync import records, reference, wire
from ungcuu.sync.conf import NodeConfig, node_config
from ungcuu.sync.effects import follow_safely
from ungcuu.sync.models import Change, NodeState

log = logging.getLogger(__name__)

PUSH_BATCH = 200
PUSH_EVERY = 2.0


def _seconds(name: str, default: int) -> float:
    try:
        return float(min(300, max(1, int(os.environ.get(name) or default))))
    except ValueError:
        return float(default)


# How often the node asks the hub for its news (UNGCUU_SYNC_PULL_SECONDS, 1 to 300).
PULL_EVERY = _seconds("UNGCUU_SYNC_PULL_SECONDS", 10)
MAX_WAIT = 5.0  # a LAN PC retrying every few seconds costs nothing
TIMEOUT = 30


class HubUnreachable(Exception):
    pass


def check_url(url: str) -> str:
    """HTTPS, or plain HTTP to this machine or the LAN (tests, a hub in the same office)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and parts.hostname:
        host = parts.hostname
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if host == "localhost" or (address and (address.is_loopback or address.is_private)):
            return url
    raise ValueError(
        "Địa chỉ máy chủ của tỉnh phải dùng https:// (http:// chỉ dùng trong máy này hoặc "
        "mạng nội bộ)."
    )


def _call(config: NodeConfig, method: str, path: str, body=None) -> dict:
    url = check_url(config.hub_url) + "/api/v1/sync/" + path
    data = wire.pack(body) if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Node {config.key}")
    request.add_header("Accept-Encoding", "gzip")
    if data is not None:
        request.add_header("Content-Type", "application/json")
        request.add_header("Content-Encoding", "gzip")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            raw = response.read()
            encoding = response.headers.get("Content-Encoding", "")
    except urllib.error.HTTPError as exc:
        try:
            detail = wire.unpack(exc.read(), exc.headers.get("Content-Encoding", "")).get(
                "detail", ""
            )
        except (wire.BadBody, AttributeError, OSError):
            detail = ""
        raise HubUnreachable(f"Máy chủ của tỉnh trả lời {exc.code}: {detail}") from exc
    except (OSError, urllib.error.URLError) as exc:  # no link, refused, cut, timed out
        raise HubUnreachable(f"Không kết nối được máy chủ của tỉnh: {exc}") from exc
    try:
        answer = wire.unpack(raw, encoding)
    except wire.BadBody as exc:
        raise HubUnreachable(f"Câu trả lời của máy chủ bị hỏng: {exc}") from exc
    if not isinstance(answer, dict):
        raise HubUnreachable("Câu trả lời của máy chủ không hợp lệ.")
    return answer


def _contact(error: str = "") -> None:
    now = timezone.now()
    if error:
        NodeState.objects.filter(pk=1).update(last_error=error[:300], last_error_at=now)
    else:
        NodeState.objects.filter(pk=1).update(last_contact_at=now, last_error="")


def bootstrap(config: NodeConfig | None = None) -> int:
    """Fill an empty node from its hub: the center, its people, the catalog… Then its
    records come with the first pulls. Returns how many reference rows were written."""
    config = config or node_config()
    state = NodeState.get()
    if state.bootstrapped_at is not None:
        return 0
    answer = _call(config, "GET", "bootstrap")
    with transaction.atomic():
        written = reference.apply_snapshot(answer["reference"])
        NodeState.objects.filter(pk=1).update(
            bootstrapped_at=timezone.now(), reference_digest=answer["reference_digest"]
        )
    _contact()
    return written


def prepare(out, *, wait: float = 5.0) -> None:
    """Before a node serves: an empty one fills itself from the hub (trying again until
    the hub answers); a filled one just says which hub it follows."""
    config = node_config()
    if config is None:
        return
    out.write(f"Máy của Trung tâm (node), đồng bộ với máy chủ: {config.hub_url}")
    while NodeState.get().bootstrapped_at is None:
        try:
            written = bootstrap(config)
            out.write(f"Đã lấy {written} bản ghi danh mục từ máy chủ của tỉnh.")
            sync_now(config)
        except HubUnreachable as exc:
            out.write(f"{exc} Thử lại sau {wait:.0f} giây…")
            out.flush()
            time.sleep(wait)
    out.flush()


def pending() -> int:
    return Change.objects.count()


def push_once(config: NodeConfig) -> int:
    """Send one batch; returns how many changes it carried (0: nothing left). The
    changes go only once the hub answers that it applied them."""
    changes = records.batch_of(list(Change.objects.order_by("id")[:PUSH_BATCH]))
    if not changes:
        return 0
    through = changes[-1].id
    body = {
        "through": through,
        "records": records.load_changes(changes),
        "backlog": Change.objects.count(),
        "node_time": timezone.now().isoformat(),
    }
    answer = _call(config, "POST", "push", body)
    if answer.get("through") != through:
        raise HubUnreachable("Máy chủ của tỉnh không xác nhận gói đồng bộ.")
    Change.objects.filter(id__in=[c.id for c in changes]).delete()
    _contact()
    return len(changes)


def pull_once(config: NodeConfig) -> bool:
    """Take one batch of the hub's records; True when the hub has more. The ids applied
    are kept with the records (one transaction) and confirmed with the next pull."""
    state = NodeState.get()
    answer = _call(
        config,
        "POST",
        "pull",
        {
            "applied": state.applied,
            "reference_digest": state.reference_digest,
            "backlog": pending(),
        },
    )
    with transaction.atomic():
        if "reference" in answer:
            reference.apply_snapshot(answer["reference"])
        applied = records.apply_records(answer.get("records") or [], origin="hub")
        follow_safely(applied)
        fields = {"applied": [int(i) for i in answer.get("changes") or []]}
        if "reference_digest" in answer:
            fields["reference_digest"] = answer["reference_digest"]
        NodeState.objects.filter(pk=1).update(**fields)
    _contact()
    return bool(answer.get("more")) or bool(answer.get("changes"))


def sync_now(config: NodeConfig | None = None) -> tuple[int, int]:
    """Push everything, then pull until the hub has nothing more. Returns (pushed, pulls)."""
    config = config or node_config()
    pushed = 0
    while sent := push_once(config):
        pushed += sent
    pulls = 1
    while pull_once(config):
        pulls += 1
    return pushed, pulls


class Loop:
    """The node's sync, in a thread of the task worker (one per process)."""

    def __init__(self, config: NodeConfig):
        self.config = config
        self.stop = threading.Event()
        self.wake = threading.Event()

    def run(self) -> None:
        wait, last_pull = PUSH_EVERY, 0.0
        while not self.stop.is_set():
            close_old_connections()
            try:
                bootstrap(self.config)
                while push_once(self.config):
                    pass
                if time.monotonic() - last_pull >= PULL_EVERY:
                    while pull_once(self.config):
                        pass
                    last_pull = time.monotonic()
                wait = PUSH_EVERY
            except HubUnreachable as exc:
                _contact(str(exc))
                wait = min(MAX_WAIT, wait * 2)
            except Exception:  # noqa: BLE001 - the loop must go on; the error is kept
                log.exception("sync loop")
                _contact("Lỗi khi đồng bộ: xem nhật ký của máy.")
                wait = min(MAX_WAIT, wait * 2)
            finally:
                close_old_connections()
            self.wake.wait(wait)
            self.wake.clear()


_started: dict[int, Loop] = {}
_lock = threading.Lock()


def start_loop() -> Loop | None:
    config = node_config()
    if config is None:
        return None
    with _lock:
        if os.getpid() in _started:
            return _started[os.getpid()]
        loop = Loop(config)
        _started[os.getpid()] = loop
    threading.Thread(target=loop.run, name="ungcuu-sync", daemon=True).start()
    return loop
