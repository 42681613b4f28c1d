"""Reports upward (R17, R23): what is due is decided and queued in ``queue``, sent in
``send``."""

from ungcuu.reports.upward.queue import (
    NOT_REPEATABLE,
    repeats,
    upward_on_report,
    upward_on_resolve,
    upward_repeat,
    upward_repeat_many,
    upward_sweep,
)
from ungcuu.reports.upward.send import (
    CHAT_LIMIT,
    MAX_ATTEMPTS,
    message,
    minutes_file,
    routes,
    upward_send,
)

__all__ = [
    "CHAT_LIMIT",
    "MAX_ATTEMPTS",
    "NOT_REPEATABLE",
    "message",
    "minutes_file",
    "repeats",
    "routes",
    "upward_on_report",
    "upward_on_resolve",
    "upward_repeat",
    "upward_repeat_many",
    "upward_send",
    "upward_sweep",
]
