"""Carriers' SMS brandname gateways (VNPT, Viettel, MobiFone…) as an Apprise plugin.

    brandname://USER:PASSWORD@gateway.host:port/path?from=UBND-XA&to=0912345678,0987654321
    brandnames://…  (the same over HTTPS)

Each carrier's gateway takes a JSON POST of the sender name, the phone numbers and the
text; the field names default to ``brandname``, ``phones`` and ``message`` and can be
renamed in the URL (``?brand_field=sender&phones_field=to&message_field=content``)."""

from __future__ import annotations

import requests
from apprise.decorators import notify

TIMEOUT_SECONDS = 10


def _post(scheme: str, body: str, meta: dict) -> bool:
    qsd = meta.get("qsd", {})
    phones = [p.strip() for p in qsd.get("to", "").replace(";", ",").split(",") if p.strip()]
    if not phones or not qsd.get("from"):
        return False
    host = meta.get("host", "")
    port = f":{meta['port']}" if meta.get("port") else ""
    url = f"{scheme}://{host}{port}{meta.get('fullpath', '/')}"
    payload = {
        qsd.get("brand_field", "brandname"): qsd["from"],
        qsd.get("phones_field", "phones"): phones,
        qsd.get("message_field", "message"): body,
    }
    auth = (meta["user"], meta.get("password", "")) if meta.get("user") else None
    try:
        response = requests.post(url, json=payload, auth=auth, timeout=TIMEOUT_SECONDS)
    except requests.RequestException:
        return False
    return 200 <= response.status_code < 300


@notify(on="brandname", name="SMS Brandname (HTTP)")
def brandname(body, title, notify_type, meta, *args, **kwargs) -> bool:
    return _post("http", body, meta)


@notify(on="brandnames", name="SMS Brandname (HTTPS)")
def brandnames(body, title, notify_type, meta, *args, **kwargs) -> bool:
    return _post("https", body, meta)
