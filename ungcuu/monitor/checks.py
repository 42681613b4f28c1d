"""The checks themselves: each answers one :class:`CheckResult` and never raises.

Every network call is bounded by a timeout (``TIMEOUT`` seconds per step, and the whole
check well under the shortest interval), so a dead service costs a runner a few seconds,
never a hung worker.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

from ungcuu.monitor.targets import Target, parse_target

TIMEOUT = 5.0  # seconds for one step (connect, read, resolve)
BODY_LIMIT = 1024 * 1024  # the keyword is looked for in the first MiB of a page
TLS_WARN_DAYS = 21
TONER_LOW_PERCENT = 10
USER_AGENT = "UngCuu-giam-sat/1"


@dataclass
class CheckResult:
    ok: bool
    latency_ms: float | None = None
    error: str = ""
    warning: str = ""
    # The catalog type a failure calls for when it is not the probe's own (a printer
    # out of toner opens printer-ink, out of paper printer-paper).
    type_code: str | None = None
    impact: str | None = None
    # The check cannot run on this machine at all (no right to send ICMP): not a failure
    # of the service, so it never opens an incident.
    unusable: bool = False


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def _bounded(fn, timeout: float):
    """Run a blocking call that has no timeout of its own (the system resolver) in a
    thread, and give up waiting after ``timeout`` seconds."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(fn).result(timeout=timeout)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def run_check(kind: str, target: str, keyword: str = "", **options) -> CheckResult:
    """Check one target; any surprise becomes a failed result with its reason."""
    try:
        parsed = parse_target(kind, target)
    except ValueError as exc:
        return CheckResult(ok=False, error=str(exc))
    checker = CHECKERS[kind]
    try:
        return checker(parsed, keyword=keyword, **options)
    except Exception as exc:  # the runner must go on with the other probes
        return CheckResult(ok=False, error=f"Lỗi khi kiểm tra: {type(exc).__name__}: {exc}"[:500])


# --- HTTP(S) -----------------------------------------------------------------------------


def check_http(target: Target, *, keyword: str = "", verify=True, **_) -> CheckResult:
    started = time.monotonic()
    try:
        with requests.get(
            target.url,
            timeout=(TIMEOUT, TIMEOUT),
            stream=True,
            allow_redirects=True,
            verify=verify,
            headers={"User-Agent": USER_AGENT},
        ) as response:
            body = b""
            if keyword:
                deadline = started + 2 * TIMEOUT
                for chunk in response.iter_content(16384):
                    body += chunk
                    if len(body) >= BODY_LIMIT or time.monotonic() > deadline:
                        break
            status = response.status_code
            encoding = response.encoding or "utf-8"
    except requests.exceptions.SSLError as exc:
        return CheckResult(ok=False, error=f"Lỗi chứng thư/kết nối bảo mật (TLS): {_short(exc)}")
    except requests.exceptions.Timeout:
        return CheckResult(ok=False, error=f"Quá {TIMEOUT:g} giây không phản hồi.")
    except requests.exceptions.ConnectionError as exc:
        return CheckResult(ok=False, error=f"Không kết nối được: {_short(exc)}")
    except requests.exceptions.RequestException as exc:
        return CheckResult(ok=False, error=f"Lỗi HTTP: {_short(exc)}")
    latency = _ms(started)
    if status >= 400:
        return CheckResult(
            ok=False, latency_ms=latency, error=f"Trang trả về mã lỗi HTTP {status}."
        )
    if keyword:
        text = body.decode(encoding, "replace")
        if keyword.casefold() not in text.casefold():
            return CheckResult(
                ok=False, latency_ms=latency, error=f"Trang không có từ khóa “{keyword}”."
            )
    warning = ""
    if target.scheme == "https":
        days = tls_days_left(target.host, target.port)
        if days is not None and days <= TLS_WARN_DAYS:
            warning = (
                f"Chứng thư TLS của {target.host} hết hạn sau {days} ngày."
                if days >= 0
                else f"Chứng thư TLS của {target.host} đã hết hạn."
            )
    return CheckResult(ok=True, latency_ms=latency, warning=warning)


def tls_days_left(host: str, port: int, *, now: datetime | None = None) -> int | None:
    """Days until the server's certificate expires (negative: expired); None when it
    cannot be read. Read without verifying, so a self-signed box still gets a date."""
    from cryptography import x509

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT) as raw:
            raw.settimeout(TIMEOUT)
            with context.wrap_socket(raw, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError):
        return None
    if not der:
        return None
    try:
        expires = x509.load_der_x509_certificate(der).not_valid_after_utc
    except ValueError:
        return None
    return (expires - (now or datetime.now(UTC))).days


_REASONS = (
    ("Connection refused", "máy từ chối kết nối"),
    ("Name or service not known", "không phân giải được tên máy"),
    ("Temporary failure in name resolution", "không phân giải được tên máy"),
    ("No route to host", "không có đường tới máy"),
    ("Network is unreachable", "không ra được mạng"),
    ("timed out", "quá thời gian chờ"),
    ("CERTIFICATE_VERIFY_FAILED", "chứng thư không hợp lệ"),
)


def _short(exc: BaseException) -> str:
    text = str(exc)
    for needle, reason in _REASONS:
        if needle in text:
            return reason
    if "Max retries exceeded" in text and "(Caused by" in text:
        text = text.split("(Caused by", 1)[1].rstrip(")")
    return text[:300]


# --- TCP, DNS, ping -------------------------------------------------------------------


def check_tcp(target: Target, **_) -> CheckResult:
    started = time.monotonic()
    try:
        with socket.create_connection((target.host, target.port), timeout=TIMEOUT):
            pass
    except TimeoutError:
        return CheckResult(
            ok=False, error=f"Cổng {target.port} quá {TIMEOUT:g} giây không trả lời."
        )
    except ConnectionRefusedError:
        return CheckResult(ok=False, error=f"Cổng {target.port} từ chối kết nối.")
    except OSError as exc:
        return CheckResult(ok=False, error=f"Không kết nối được tới {target.display}: {exc}")
    return CheckResult(ok=True, latency_ms=_ms(started))


def check_dns(target: Target, **_) -> CheckResult:
    started = time.monotonic()
    try:
        found = _bounded(
            lambda: socket.getaddrinfo(target.host, None, proto=socket.IPPROTO_TCP), TIMEOUT
        )
    except FutureTimeout:
        return CheckResult(ok=False, error=f"Phân giải {target.host} quá {TIMEOUT:g} giây.")
    except (socket.gaierror, UnicodeError) as exc:
        return CheckResult(ok=False, error=f"Không phân giải được {target.host}: {exc}")
    if not found:
        return CheckResult(ok=False, error=f"Tên {target.host} không có địa chỉ nào.")
    return CheckResult(ok=True, latency_ms=_ms(started))


CANNOT_PING = (
    "Máy chủ UngCuu không được phép gửi gói ping (ICMP): hãy dùng cách kiểm tra TCP, hoặc cho "
    "phép ping không cần quyền quản trị (sysctl net.ipv4.ping_group_range)."
)


def check_ping(target: Target, **_) -> CheckResult:
    from icmplib import ping
    from icmplib.exceptions import (
        ICMPLibError,
        NameLookupError,
        SocketPermissionError,
    )

    def attempt(privileged: bool):
        return ping(target.host, count=1, timeout=TIMEOUT / 2, privileged=privileged)

    try:
        try:
            host = _bounded(lambda: attempt(False), TIMEOUT)
        except SocketPermissionError:
            try:
                host = _bounded(lambda: attempt(True), TIMEOUT)
            except SocketPermissionError:
                return CheckResult(ok=False, error=CANNOT_PING, unusable=True)
    except FutureTimeout:
        return CheckResult(ok=False, error=f"Ping {target.host} quá {TIMEOUT:g} giây.")
    except NameLookupError:
        return CheckResult(ok=False, error=f"Không phân giải được {target.host}.")
    except (ICMPLibError, OSError) as exc:
        return CheckResult(ok=False, error=f"Không ping được {target.host}: {exc}")
    if not host.is_alive:
        return CheckResult(ok=False, error=f"{target.host} không trả lời ping.")
    return CheckResult(ok=True, latency_ms=round(host.avg_rtt, 1))


# --- a UPS over NUT (the network UPS tools' text protocol, port 3493) ---------------------


def nut_variables(host: str, port: int, ups: str) -> dict[str, str]:
    """``LIST VAR <ups>`` → {name: value}; raises OSError or ValueError."""
    with socket.create_connection((host, port), timeout=TIMEOUT) as conn:
        conn.settimeout(TIMEOUT)
        conn.sendall(f"LIST VAR {ups}\n".encode("ascii"))
        buffer = b""
        deadline = time.monotonic() + 2 * TIMEOUT
        while b"END LIST VAR" not in buffer and b"ERR " not in buffer[:200]:
            if time.monotonic() > deadline or len(buffer) > 256 * 1024:
                raise ValueError("trả lời quá dài hoặc quá chậm")
            chunk = conn.recv(4096)
            if not chunk:
                break
            buffer += chunk
        try:
            conn.sendall(b"LOGOUT\n")
        except OSError:
            pass
    text = buffer.decode("utf-8", "replace")
    values: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ERR "):
            raise ValueError(line[4:].strip() or "ERR")
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[0] == "VAR":
            values[parts[2]] = parts[3].strip().strip('"')
    if "END LIST VAR" not in text:
        raise ValueError("trả lời không đầy đủ")
    return values


def check_nut(target: Target, **_) -> CheckResult:
    started = time.monotonic()
    try:
        values = nut_variables(target.host, target.port, target.user or "ups")
    except TimeoutError:
        return CheckResult(ok=False, error=f"Máy chủ NUT quá {TIMEOUT:g} giây không trả lời.")
    except ValueError as exc:
        return CheckResult(ok=False, error=f"Máy chủ NUT báo lỗi: {exc}")
    except OSError as exc:
        return CheckResult(ok=False, error=f"Không kết nối được máy chủ NUT: {exc}")
    latency = _ms(started)
    status = values.get("ups.status", "").split()
    charge = values.get("battery.charge")
    charge_text = f" (pin còn {charge}%)" if charge else ""
    if "LB" in status:
        return CheckResult(
            ok=False,
            latency_ms=latency,
            error=f"Bộ lưu điện báo pin yếu, sắp tắt{charge_text}: tắt máy, lưu dữ liệu ngay.",
            impact="stopped",
        )
    if "OB" in status:
        return CheckResult(
            ok=False,
            latency_ms=latency,
            error=f"Mất điện lưới: bộ lưu điện đang chạy bằng pin{charge_text}.",
        )
    if not status:
        return CheckResult(ok=False, latency_ms=latency, error="Bộ lưu điện không báo trạng thái.")
    warning = "Bộ lưu điện báo cần thay pin." if "RB" in status else ""
    return CheckResult(ok=True, latency_ms=latency, warning=warning)


# --- a printer over SNMP (Printer-MIB, RFC 3805) --------------------------------------

PRT_SUPPLY_DESCRIPTION = "1.3.6.1.2.1.43.11.1.1.6"
PRT_SUPPLY_MAX = "1.3.6.1.2.1.43.11.1.1.8"
PRT_SUPPLY_LEVEL = "1.3.6.1.2.1.43.11.1.1.9"
PRT_INPUT_LEVEL = "1.3.6.1.2.1.43.8.2.1.10"
PRT_INPUT_STATUS = "1.3.6.1.2.1.43.8.2.1.11"
PRT_INPUT_NAME = "1.3.6.1.2.1.43.8.2.1.13"
PRINTER_COLUMNS = (
    PRT_SUPPLY_DESCRIPTION,
    PRT_SUPPLY_MAX,
    PRT_SUPPLY_LEVEL,
    PRT_INPUT_LEVEL,
    PRT_INPUT_STATUS,
    PRT_INPUT_NAME,
)
MAX_ROWS = 64  # supplies or trays a printer may list
# PrtSubUnitStatusTC: bit 4 (16) is a critical alert.
CRITICAL_ALERT = 16


async def _walk(host: str, port: int, community: str) -> dict[str, dict[str, object]]:
    from pysnmp.hlapi.v1arch.asyncio import (
        CommunityData,
        SnmpDispatcher,
        UdpTransportTarget,
        next_cmd,
    )
    from pysnmp.proto.rfc1902 import ObjectName

    dispatcher = SnmpDispatcher()
    try:
        transport = await UdpTransportTarget.create((host, port), timeout=TIMEOUT / 2, retries=1)
        auth = CommunityData(community, mpModel=1)
        table: dict[str, dict[str, object]] = {}
        for column in PRINTER_COLUMNS:
            rows: dict[str, object] = {}
            current = column
            for _ in range(MAX_ROWS):
                error, status, _index, binds = await next_cmd(
                    dispatcher, auth, transport, (ObjectName(current), None)
                )
                if error:
                    raise TimeoutError(str(error))
                if status or not binds:
                    break
                oid, value = binds[0]
                if value.__class__.__name__ in ("EndOfMibView", "NoSuchObject", "NoSuchInstance"):
                    break
                oid_text = str(oid if not hasattr(oid, "getOid") else oid.getOid())
                if not oid_text.startswith(column + "."):
                    break
                if hasattr(value, "asOctets"):
                    value = value.asOctets().decode("utf-8", "replace")
                rows[oid_text[len(column) + 1 :]] = value
                current = oid_text
            table[column] = rows
        return table
    finally:
        dispatcher.transport_dispatcher.close_dispatcher()


def printer_tables(host: str, port: int, community: str) -> dict[str, dict[str, object]]:
    return asyncio.run(asyncio.wait_for(_walk(host, port, community), timeout=3 * TIMEOUT))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def check_printer(target: Target, **_) -> CheckResult:
    started = time.monotonic()
    try:
        table = printer_tables(target.host, target.port, target.user or "public")
    except TimeoutError:
        return CheckResult(ok=False, error="Máy in không trả lời SNMP (sai địa chỉ, tắt máy?).")
    except OSError as exc:
        return CheckResult(ok=False, error=f"Không hỏi được máy in qua SNMP: {exc}")
    latency = _ms(started)
    if not any(table.values()):
        return CheckResult(
            ok=False, latency_ms=latency, error="Máy in không có bảng Printer-MIB qua SNMP."
        )
    names = table[PRT_INPUT_NAME]
    empty_trays = []
    for index, level in table[PRT_INPUT_LEVEL].items():
        status = _int(table[PRT_INPUT_STATUS].get(index)) or 0
        if _int(level) == 0 or status & CRITICAL_ALERT:
            name = str(names.get(index) or "").strip() or f"khay {index.split('.')[-1]}"
            empty_trays.append(name)
    if empty_trays:
        return CheckResult(
            ok=False,
            latency_ms=latency,
            error=f"Máy in hết giấy: {', '.join(empty_trays)}.",
            type_code="printer-paper",
        )
    low = []
    for index, level in table[PRT_SUPPLY_LEVEL].items():
        level_n, top = _int(level), _int(table[PRT_SUPPLY_MAX].get(index))
        if level_n is None or level_n < 0:
            continue  # -2 unknown, -3 "some left"
        percent = 100 * level_n / top if top and top > 0 else (0 if level_n == 0 else 100)
        if percent <= TONER_LOW_PERCENT:
            name = str(table[PRT_SUPPLY_DESCRIPTION].get(index) or "").strip() or "mực"
            low.append(f"{name} còn {percent:.0f}%")
    if low:
        return CheckResult(
            ok=False,
            latency_ms=latency,
            error=f"Máy in sắp hết mực: {'; '.join(low)}.",
            type_code="printer-ink",
        )
    return CheckResult(ok=True, latency_ms=latency)


CHECKERS = {
    "http": check_http,
    "tcp": check_tcp,
    "dns": check_dns,
    "ping": check_ping,
    "snmp-printer": check_printer,
    "nut-ups": check_nut,
}
