"""Whether this install is a center's node, and which hub it follows.

A node is an ``ungcuu serve`` whose environment has ``UNGCUU_HUB_URL`` and
``UNGCUU_NODE_KEY``, or whose data dir holds ``node.json`` (written by
``ungcuu node join URL KEY``). Anything else is a hub (or a single server), which is
what it always was."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache

from django.conf import settings

NODE_FILE = "node.json"


@dataclass(frozen=True)
class NodeConfig:
    hub_url: str
    key: str

    @property
    def center_code(self) -> str:
        return self.key.split(".", 1)[0]


def _file():
    return settings.DATA_DIR / NODE_FILE


@cache
def node_config() -> NodeConfig | None:
    url = os.environ.get("UNGCUU_HUB_URL", "").strip()
    key = os.environ.get("UNGCUU_NODE_KEY", "").strip()
    if not (url and key):
        try:
            stored = json.loads(_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        url, key = str(stored.get("hub_url", "")).strip(), str(stored.get("key", "")).strip()
    if not (url and key):
        return None
    return NodeConfig(hub_url=url.rstrip("/"), key=key)


def is_node() -> bool:
    return node_config() is not None


def store(hub_url: str, key: str) -> None:
    """Keep the hub's address and the key in the data dir (readable by its owner only)."""
    path = _file()
    path.write_text(json.dumps({"hub_url": hub_url, "key": key}), encoding="utf-8")
    path.chmod(0o600)
    node_config.cache_clear()


def silent_minutes() -> int:
    try:
        return max(1, int(os.environ.get("UNGCUU_NODE_SILENT_MINUTES", "5")))
    except ValueError:
        return 5
