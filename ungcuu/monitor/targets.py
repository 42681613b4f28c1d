"""What a probe's target may be, checked strictly: a URL for HTTP, ``host:port`` for TCP,
a host name or address otherwise (``[name@]host[:port]`` for a printer or a UPS)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_TARGET = 255
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # a UPS name, an SNMP community
DEFAULT_PORTS = {"snmp-printer": 161, "nut-ups": 3493}


@dataclass(frozen=True)
class Target:
    host: str
    port: int = 0
    scheme: str = ""
    url: str = ""
    user: str = ""  # the UPS's name or the printer's community

    @property
    def display(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port else host


def is_host(text: str) -> bool:
    """A host name (letters, digits, hyphens in dot-separated labels) or an IP address."""
    if not text or len(text) > 253:
        return False
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        pass
    name = text[:-1] if text.endswith(".") else text
    labels = name.split(".")
    if all(label.isdigit() for label in labels):
        return False  # "999.1.1.1" is no address and no name
    return all(_LABEL.match(label) for label in labels)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError("Cổng phải là số từ 1 đến 65535.")
    return int(text)


def _host_port(text: str, *, port_required: bool) -> tuple[str, int | None]:
    if text.startswith("["):  # [IPv6]:port
        host, sep, rest = text[1:].partition("]")
        if not sep:
            raise ValueError("Địa chỉ IPv6 phải đóng ngoặc: [::1]:80.")
        if rest and not rest.startswith(":"):
            raise ValueError("Sau địa chỉ IPv6 chỉ được có :cổng.")
        port_text = rest[1:] if rest else None
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    elif text.count(":") > 1:
        host, port_text = text, None  # a bare IPv6 address
    else:
        host, port_text = text, None
    if not is_host(host):
        raise ValueError(f"“{host}” không phải tên máy hay địa chỉ IP hợp lệ.")
    if port_text is None:
        if port_required:
            raise ValueError("Cần cả cổng, dạng máy:cổng, ví dụ 10.0.0.5:443.")
        return host, None
    return host, _port(port_text)


def parse_target(kind: str, target: str) -> Target:
    """The target of a probe of ``kind``, or ValueError with a Vietnamese message."""
    if not isinstance(target, str):
        raise ValueError("Địa chỉ phải là chữ.")
    target = target.strip()
    if not target:
        raise ValueError("Vui lòng nhập địa chỉ cần kiểm tra.")
    if len(target) > MAX_TARGET:
        raise ValueError(f"Địa chỉ dài quá {MAX_TARGET} ký tự.")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        raise ValueError("Địa chỉ không được có khoảng trắng hay ký tự điều khiển.")
    if kind == "http":
        try:
            parts = urlsplit(target)
            port = parts.port
        except ValueError as exc:
            raise ValueError("Địa chỉ trang web không hợp lệ (cổng sai?).") from exc
        if parts.scheme not in ("http", "https"):
            raise ValueError("Địa chỉ trang web phải bắt đầu bằng http:// hoặc https://.")
        if parts.username or parts.password:
            raise ValueError("Không ghi tên đăng nhập, mật khẩu trong địa chỉ.")
        host = parts.hostname or ""
        if not is_host(host):
            raise ValueError("Địa chỉ trang web không có tên máy hợp lệ.")
        if port == 0:
            raise ValueError("Cổng phải là số từ 1 đến 65535.")
        return Target(
            host=host,
            port=port or (443 if parts.scheme == "https" else 80),
            scheme=parts.scheme,
            url=target,
        )
    if kind == "tcp":
        host, port = _host_port(target, port_required=True)
        return Target(host=host, port=port)
    if kind in ("dns", "ping"):
        if not is_host(target):
            raise ValueError(f"“{target}” không phải tên máy hay địa chỉ IP hợp lệ.")
        return Target(host=target)
    if kind in DEFAULT_PORTS:
        user = ""
        if "@" in target:
            user, target = target.rsplit("@", 1)
            if not _NAME.match(user):
                raise ValueError("Tên trước @ chỉ gồm chữ không dấu, số, dấu chấm, gạch.")
        host, port = _host_port(target, port_required=False)
        return Target(host=host, port=port or DEFAULT_PORTS[kind], user=user)
    raise ValueError("Cách kiểm tra không hợp lệ.")
