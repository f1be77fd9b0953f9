"""Kernel messages on their way to a viewer's browser: tracebacks are replaced by plain words.

Voilà's ``show_tracebacks: false`` hides errors while a page is being rendered, but not later: a
widget message the kernel cannot handle (a malformed ``comm_msg``) makes ipywidgets publish an
``error`` message whose traceback names files by absolute path. These functions take one message as
the websocket carries it (protocol ``v1.kernel.websocket.jupyter.org``, or the legacy JSON text) and
return it with every traceback replaced, or None when there is nothing to hide. Pure and typed.

>>> import json
>>> text = json.dumps({"channel": "iopub", "header": {"msg_type": "error"}, "parent_header": {}, "metadata": {},
...                    "content": {"ename": "TypeError", "evalue": "bad", "traceback": ["File /srv/x.py"]}})
>>> hidden = json.loads(hide_tracebacks_in_text(text))
>>> hidden["content"]["traceback"] == [PLAIN_ERROR] and "/srv" not in json.dumps(hidden)
True
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["PLAIN_ERROR", "hide_tracebacks", "hide_tracebacks_in_bytes", "hide_tracebacks_in_text", "plain_content"]

PLAIN_ERROR = "Something went wrong on the server. It is recorded there; reload the page to start again."
_LEAKY = re.compile(r"Traceback \(most recent call last\)|File \"?(/|[A-Za-z]:\\)|site-packages|\.py[\":, ]")


def plain_content(msg_type: str, content: dict[str, Any]) -> dict[str, Any] | None:
    """``content`` with its traceback (or a leaking error stream) in plain words, or None if it has none."""
    if "traceback" in content:
        return {**content, "ename": "Error", "evalue": PLAIN_ERROR, "traceback": [PLAIN_ERROR]}
    if msg_type == "stream" and content.get("name") == "stderr" and _LEAKY.search(str(content.get("text", ""))):
        return {**content, "text": PLAIN_ERROR + "\n"}
    return None


def hide_tracebacks_in_text(message: str) -> str | None:
    """A legacy (JSON text) websocket message with tracebacks hidden, or None if unchanged."""
    try:
        msg = json.loads(message)
    except ValueError:
        return None
    if not isinstance(msg, dict) or not isinstance(msg.get("content"), dict):
        return None
    header = msg.get("header")
    msg_type = str(header.get("msg_type", "")) if isinstance(header, dict) else ""
    replaced = plain_content(msg_type, msg["content"])
    if replaced is None:
        return None
    return json.dumps({**msg, "content": replaced})


def _split_v1(message: bytes) -> tuple[bytes, list[bytes]] | None:
    if len(message) < 8:
        return None
    count = int.from_bytes(message[:8], "little")
    if count < 3 or len(message) < 8 * (count + 1):
        return None
    offsets = [int.from_bytes(message[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    if offsets != sorted(offsets) or offsets[-1] > len(message):
        return None
    channel = message[offsets[0] : offsets[1]]
    parts = [message[offsets[i] : offsets[i + 1]] for i in range(1, count - 1)]
    return channel, parts


def _join_v1(channel: bytes, parts: list[bytes]) -> bytes:
    """The inverse of :func:`_split_v1` (jupyter_server's ``serialize_msg_to_ws_v1``)."""
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(offsets[-1] + len(channel))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = len(offsets).to_bytes(8, "little") + b"".join(offset.to_bytes(8, "little") for offset in offsets)
    return head + channel + b"".join(parts)


def hide_tracebacks_in_bytes(message: bytes) -> bytes | None:
    """A v1-protocol websocket message with tracebacks hidden, or None if unchanged (or not v1)."""
    split = _split_v1(message)
    if split is None:
        return None
    channel, parts = split
    if len(parts) < 4:
        return None
    try:
        header = json.loads(parts[0])
        content = json.loads(parts[3])
    except ValueError:
        return None
    if not isinstance(header, dict) or not isinstance(content, dict):
        return None
    replaced = plain_content(str(header.get("msg_type", "")), content)
    if replaced is None:
        return None
    return _join_v1(channel, [*parts[:3], json.dumps(replaced).encode("utf-8"), *parts[4:]])


def hide_tracebacks(message: bytes | str | dict[str, Any]) -> bytes | str | dict[str, Any]:
    """The message as it should reach the browser: unchanged unless it carries a traceback."""
    if isinstance(message, bytes):
        return hide_tracebacks_in_bytes(message) or message
    if isinstance(message, str):
        return hide_tracebacks_in_text(message) or message
    content = message.get("content")
    header = message.get("header")
    if isinstance(content, dict):
        replaced = plain_content(str(header.get("msg_type", "")) if isinstance(header, dict) else "", content)
        if replaced is not None:
            return {**message, "content": replaced}
    return message
