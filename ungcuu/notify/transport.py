"""Sending one message over one Apprise URL, with a hard time limit."""

from __future__ import annotations

import copy
import http.cookiejar
import logging
import os
import queue
import threading
import urllib.request

import apprise
import requests
import requests.api
from apprise.manager_plugins import NotificationManager
from apprise.plugins import url_to_dict
from requests.adapters import HTTPAdapter

from ungcuu.core.errors import ServiceError

TIMEOUT_SECONDS = 10
# Schemes that carry HTTP headers: the receiver can drop a repeat by this key.
_HEADER_SCHEMES = {"json", "jsons", "form", "forms", "xml", "xmls"}
SMS_SCHEMES = {"httpsms", "smseagle", "smseagles", "brandname", "brandnames"}


class TransportError(Exception):
    pass


class _ThreadLog(logging.Handler):
    """What Apprise logs from one sending thread. Several messages are sent at once,
    and each refusal must name its own reason, not another thread's."""

    def __init__(self, thread: int) -> None:
        super().__init__(logging.WARNING)
        self.thread = thread
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.lines.append(record.getMessage())


# Apprise's plugins post through the module functions of ``requests``, and each call makes
# a new Session: a new TCP (and TLS) connection for every message, the environment read
# again for proxies. In this module's sending threads those calls go through one Session
# kept for the process instead: a chat service's connection is reused while it stays
# open. It keeps no cookie (every message stands alone, as with a new Session), and it
# reads the environment once: unless a proxy or a netrc file is set there, it stops
# looking, and gives the CA bundle named there (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE) as
# requests would.
_sending = threading.local()
_kept: requests.Session | None = None
_kept_lock = threading.Lock()
_plain_request = requests.api.request
_ca_bundle: str | None = None
KEPT_CONNECTIONS = 16  # per host: more than the worker's sending threads


def _environment_needed() -> bool:
    netrc = os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
    return bool(
        urllib.request.getproxies_environment()
        or os.path.exists(netrc)
        or os.path.exists(os.path.expanduser("~/_netrc"))
    )


def _kept_session() -> requests.Session:
    global _kept, _ca_bundle
    with _kept_lock:
        if _kept is None:
            session = requests.Session()
            session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
            for prefix in ("http://", "https://"):
                session.mount(prefix, HTTPAdapter(pool_maxsize=KEPT_CONNECTIONS))
            session.trust_env = _environment_needed()
            _ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            _kept = session
        return _kept


def _request(method, url, **kwargs):
    if not getattr(_sending, "kept", False):
        return _plain_request(method, url, **kwargs)
    session = _kept_session()
    if not session.trust_env and _ca_bundle and kwargs.get("verify", True) is True:
        kwargs["verify"] = _ca_bundle
    return session.request(method=method, url=url, **kwargs)


requests.api.request = _request  # requests.post() and the others call it
requests.request = _request


def _plugin(url: str):
    # Apprise logs why a URL is refused; the caller gives the person a Vietnamese message.
    with apprise.LogCapture(level=apprise.logging.CRITICAL):
        return apprise.Apprise.instantiate(url, suppress_exceptions=True)


def check_url(url: str) -> str:
    """The URL trimmed, or a Vietnamese refusal when Apprise cannot use it."""
    url = (url or "").strip()
    if "://" not in url or _plugin(url) is None:
        raise ServiceError(
            "Địa chỉ kênh không hợp lệ. Ví dụ: zalo://MÃ_BOT/MÃ_CHAT, tgram://TOKEN/CHAT_ID, "
            "mailto://tai-khoan:mat-khau@gmail.com, json://may-chu/duong-dan, "
            "httpsms://KHOA@SO_GUI/SO_NHAN.",
            field="url",
        )
    return url


# A plugin's longest body is its class's (no Apprise plugin sets its own): one look per
# scheme. Kept per URL, a hub's thousands of channels kept pushing each other out, and
# every message paid for reading its URL once more.
_body_limits: dict[str, int] = {}


def body_limit(url: str) -> int:
    scheme = url.split("://", 1)[0].lower()
    limit = _body_limits.get(scheme)
    if limit is None:
        plugin = _plugin(url)
        if plugin is None:
            return 32768
        limit = _body_limits.setdefault(scheme, int(getattr(plugin, "body_maxlen", 0) or 32768))
    return limit


def is_sms(url: str) -> bool:
    return url.split("://", 1)[0].lower() in SMS_SCHEMES


# Reading an Apprise URL costs about a quarter of a millisecond (the parse, and Apprise
# logging the URL with its secrets masked), a fifth of a message's sending: each
# channel's URL is read once per process and every message builds its plugin from a
# copy of what was read (about a hundredth of a millisecond). A hub's channels are
# thousands, so the oldest half is let go when the store is full.
_parsed: dict[str, dict | None] = {}
_parsed_lock = threading.Lock()
PARSED_MAX = 4096
_plugins = NotificationManager()  # Apprise's registry of plugins (one per process)
_asset = apprise.AppriseAsset()


def _parsed_url(url: str) -> dict | None:
    found = _parsed.get(url, False)
    if found is False:
        with apprise.LogCapture(level=apprise.logging.CRITICAL):
            found = url_to_dict(url, secure_logging=_asset.secure_logging)
        if found is not None and found.get("schema") not in _plugins:
            found = None
        with _parsed_lock:
            if len(_parsed) >= PARSED_MAX:
                for old in list(_parsed)[: PARSED_MAX // 2]:
                    _parsed.pop(old, None)
            _parsed[url] = found
    return found


def _message_plugin(url: str, key: str):
    """The plugin that sends one message over ``url`` (None: Apprise cannot use it), as
    Apprise would build it from the URL; where the scheme carries HTTP headers, the
    message's key goes in an ``Idempotency-Key`` header so the receiver can drop a
    repeat."""
    parsed = _parsed_url(url)
    if parsed is None:
        return None
    results = copy.deepcopy(parsed)
    if parsed["schema"] in _HEADER_SCHEMES:
        results["headers"] = {**(results.get("headers") or {}), "Idempotency-Key": key}
    results["tag"], results["asset"] = set(), _asset
    kind = _plugins[results["schema"]]
    if not kind.enabled:
        return None
    with apprise.LogCapture(level=apprise.logging.CRITICAL):
        try:
            plugin = kind(**results)
        except Exception:  # noqa: BLE001 - Apprise's own answer to a URL it cannot use
            return None
    return plugin if plugin.enabled else None


def _attachments(files: list[tuple[str, bytes, str]]):
    """Files kept in memory (name, content, MIME type) as Apprise attaches them."""
    from apprise.attachment.memory import AttachMemory

    found = apprise.AppriseAttachment()
    for name, content, mimetype in files:
        found.add(AttachMemory(content=content, name=name, mimetype=mimetype))
    return found


def send(
    url: str,
    *,
    title: str,
    body: str,
    key: str,
    timeout: float | None = None,
    attach: list[tuple[str, bytes, str]] | None = None,
) -> None:
    """Send, or raise TransportError. A channel that hangs is given up after ``timeout``.
    ``attach``: files (name, content, MIME type) for the channels that carry them (e-mail)."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    plugin = _message_plugin(url, key)
    if plugin is None:
        raise TransportError("Địa chỉ kênh không hợp lệ.")
    if not getattr(plugin, "title_maxlen", 0):
        # No title field (Zalo, SMS): Apprise would put the title before the body and
        # overrun the channel's limit; the body's first line already says it all.
        title = ""
    outcome: dict[str, object] = {}

    def attempt() -> None:
        _sending.kept = True
        capture = _ThreadLog(threading.get_ident())
        logger = logging.getLogger("apprise")
        logger.addHandler(capture)
        try:
            if attach:
                outcome["ok"] = plugin.notify(body=body, title=title, attach=_attachments(attach))
            else:
                outcome["ok"] = plugin.notify(body=body, title=title)
        except Exception as exc:  # a plugin bug must not kill the worker
            outcome["ok"] = False
            capture.lines.append(repr(exc))
        finally:
            logger.removeHandler(capture)
            outcome["log"] = "\n".join(capture.lines)

    if not _run_within(attempt, timeout):
        raise TransportError(f"Quá {timeout:g} giây không phản hồi.")
    if not outcome.get("ok"):
        detail = str(outcome.get("log") or "").strip().splitlines()
        raise TransportError(detail[-1][:300] if detail else "Kênh từ chối tin.")


# Each attempt runs in a thread of its own so that a channel that hangs is given up on
# time. Starting a thread per message cost a tenth of a millisecond of CPU, so the
# threads are kept: one that finished in time waits for the next attempt; one
# still running when its time is up is left to it, never given another, and ends when
# the attempt does.
IDLE_SENDERS = 16


class _Sender(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True, name="ungcuu-send")
        self.attempts: queue.SimpleQueue = queue.SimpleQueue()
        self.given_up = False

    def run(self) -> None:
        while True:
            attempt, done = self.attempts.get()
            if attempt is None:
                return
            try:
                attempt()
            finally:
                with _senders_lock:
                    done.set()
                    given_up = self.given_up
            if given_up:
                return


_idle_senders: list[_Sender] = []
_senders_lock = threading.Lock()


def _run_within(attempt, timeout: float) -> bool:
    """Run ``attempt`` in a sending thread; False if it has not finished after
    ``timeout`` seconds (it goes on by itself)."""
    with _senders_lock:
        sender = _idle_senders.pop() if _idle_senders else None
    if sender is None:
        sender = _Sender()
        sender.start()
    done = threading.Event()
    sender.attempts.put((attempt, done))
    finished = done.wait(timeout)
    with _senders_lock:
        if not finished and not done.is_set():
            sender.given_up = True
            return False
        if len(_idle_senders) < IDLE_SENDERS:
            _idle_senders.append(sender)
            return True
    sender.attempts.put((None, None))
    return True
