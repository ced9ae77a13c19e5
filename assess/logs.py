"""Structured logs: one JSON object per line, with the request id, and nothing personal.

No client addresses, e-mail addresses, query strings, answer texts or SQL parameters: the
engine hides parameters (db/session.py), the access line holds method, path, status and
duration, and an error keeps its type and stack but not its message.
"""

from __future__ import annotations

import logging
import logging.config
import time
import traceback
from contextvars import ContextVar
from typing import Any

import msgspec

request_id: ContextVar[str] = ContextVar("request_id", default="")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn: the same message with terminal colours
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if current := request_id.get():
            entry["requestId"] = current
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            kind, _error, stack = record.exc_info
            entry["error"] = kind.__name__
            # Where, not what: file, line and function of each frame, no source text (a line
            # of code can hold the very value that failed).
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(stack)
            ]
        return msgspec.json.encode(entry, enc_hook=str).decode()


CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonFormatter}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "uvicorn": {"handlers": [], "propagate": True},
        "uvicorn.error": {"handlers": [], "propagate": True},
        "uvicorn.access": {"handlers": [], "propagate": False},  # ours is in web/middleware
        "httpx": {"level": "WARNING"},
        "alembic": {"level": "WARNING"},  # /ready asks for the migration on every check
    },
}


def configure() -> None:
    logging.config.dictConfig(CONFIG)
