"""The installation's own settings kept in the data dir (``site.json``): the public address
every absolute link and QR code uses. UNGCUU_BASE_URL in the environment wins over it;
`ungcuu serve` proposes the LAN address at first start; an administrator changes it on
the "Địa chỉ công khai" page, and a proposal never overwrites that choice."""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
PROPOSED = "proposed"  # written by `ungcuu serve`, replaced when the LAN address changes
ADMIN = "admin"  # chosen by an administrator: only an administrator changes it

_cache: dict[str, object] = {"path": None, "mtime": None, "data": {}}


class BadAddress(ValueError):
    """A public address that phones could not use: the message says why, in Vietnamese."""


def _path() -> Path:
    return _path_of(settings.SITE_FILE)


@functools.lru_cache(maxsize=8)
def _path_of(name) -> Path:
    """Every link asks for the file: its ``Path`` is made once per setting."""
    return Path(name)


def stored() -> dict:
    """The data dir's settings; read again only when the file changed (every worker
    process sees an administrator's change at its next link)."""
    path = _path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {}
    if _cache["path"] != path or _cache["mtime"] != mtime:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        _cache.update(path=path, mtime=mtime, data=data if isinstance(data, dict) else {})
    return dict(_cache["data"])


def _write(data: dict) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed: a reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".site-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
    os.replace(tmp, path)


def base_url() -> str:
    """The one public address (no trailing slash) put before every absolute link."""
    return (settings.BASE_URL or str(stored().get("base_url") or "") or DEFAULT_BASE_URL).rstrip(
        "/"
    )


def absolute(path: str) -> str:
    """A path of this site as a link a phone can open: ``/s/abc/`` → ``http://…/s/abc/``."""
    return base_url() + path


def base_url_fixed() -> bool:
    """Set in the environment (UNGCUU_BASE_URL): the page shows it and cannot change it."""
    return bool(settings.BASE_URL)


def base_url_source() -> str:
    """``env``, ``admin``, ``proposed`` or ``default``: where the address comes from."""
    if settings.BASE_URL:
        return "env"
    data = stored()
    if data.get("base_url"):
        return ADMIN if data.get("base_url_source") == ADMIN else PROPOSED
    return "default"


def is_loopback_host(host: str | None) -> bool:
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def is_loopback(url: str | None = None) -> bool:
    """True when the address (by default the one in use) only opens on this machine."""
    return is_loopback_host(urlsplit(base_url() if url is None else url).hostname)


def clean_base_url(raw: str) -> str:
    """An address an administrator typed, checked: http(s), a host, no query; "192.168.1.10:8000"
    gets its http://. Raises :class:`BadAddress` with a Vietnamese message."""
    value = (raw or "").strip()
    if not value:
        raise BadAddress("Vui lòng nhập địa chỉ, ví dụ http://192.168.1.10:8000.")
    if len(value) > 200 or any(ch.isspace() for ch in value):
        raise BadAddress("Địa chỉ không hợp lệ: không có dấu cách, tối đa 200 ký tự.")
    if "://" not in value:
        value = "http://" + value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise BadAddress("Địa chỉ không hợp lệ: cổng phải là số, ví dụ :8000.") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadAddress("Địa chỉ phải bắt đầu bằng http:// hoặc https:// và có tên máy.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise BadAddress("Địa chỉ chỉ gồm http(s)://, tên máy, cổng (và thư mục nếu có).")
    return value.rstrip("/")


def base_url_set(*, url: str, by: str = "") -> str:
    """An administrator's choice of public address; kept over any later proposal."""
    value = clean_base_url(url)
    data = stored()
    data.update(
        base_url=value,
        base_url_source=ADMIN,
        base_url_changed_by=by,
        base_url_changed_at=timezone.now().isoformat(timespec="seconds"),
    )
    _write(data)
    return value


def base_url_propose(url: str) -> tuple[str, bool]:
    """At start: store the LAN address unless an administrator chose one (or the
    environment sets it). Returns the address in use and whether it was written."""
    if settings.BASE_URL:
        return base_url(), False
    data = stored()
    if data.get("base_url") and data.get("base_url_source") == ADMIN:
        return base_url(), False
    value = clean_base_url(url)
    if data.get("base_url") == value:
        return value, False
    data.update(
        base_url=value,
        base_url_source=PROPOSED,
        base_url_changed_by="",
        base_url_changed_at=timezone.now().isoformat(timespec="seconds"),
    )
    _write(data)
    return value, True


def lan_address() -> str | None:
    """The machine's address on the office network, for phones to reach it."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # A UDP "connect" sends nothing; it only picks the outgoing interface.
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


@dataclass(frozen=True)
class AddressState:
    url: str
    source: str
    loopback: bool


def address_state() -> AddressState:
    url = base_url()
    return AddressState(url=url, source=base_url_source(), loopback=is_loopback(url))
