"""What every part of the demo build shares: the demo's constants and small helpers."""

from __future__ import annotations

import random
import uuid
from datetime import time
from typing import Protocol
from zoneinfo import ZoneInfo

DEMO_PASSWORD = "ungcuu-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.ungcuu.vn"
DEMO_NOTE = "Chỉ dùng cho bản trình diễn (demo only)"

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Office hours of a commune center; the lunch break is when nobody reports.
SEGMENTS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
ROSTER_PAST_DAYS = 30
ROSTER_FUTURE_DAYS = 60
# incident_report refuses an onset more than 366 days before the report.
MAX_HISTORY_DAYS = 364


class Writer(Protocol):
    def write(self, msg: str) -> object: ...


# --- small helpers -----------------------------------------------------------------


def _say(stdout: Writer | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _mobile(rng: random.Random) -> str:
    prefix = f"09{rng.choice('1134678')}{rng.randint(0, 9)}"
    return f"{prefix} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def _landline(rng: random.Random, area: str) -> str:
    return f"{area} 3{rng.randint(500, 999)} {rng.randint(100, 999)}"


def _email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _log_minutes(rng: random.Random, low: int, high: int) -> float:
    """A duration skewed to the short end, as real outages are."""
    return low * (high / low) ** rng.random()
