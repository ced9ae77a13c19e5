"""Browser sessions in the database, so every worker and machine sees the same ones.

The cookie carries a random id; the table keeps only its SHA-256, so a copy of the database
opens no session. Each function is its own short transaction.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from assess.db.models import WebSession, utcnow


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def load(factory: sessionmaker[Session], session_id: str) -> tuple[bytes, datetime] | None:
    """The data of a live session and when it expires."""
    with factory() as db:
        found = db.execute(
            select(WebSession.data, WebSession.expires_at).where(
                WebSession.id_hash == _hash(session_id), WebSession.expires_at > utcnow()
            )
        ).first()
    return (found.data, found.expires_at) if found else None


def save(factory: sessionmaker[Session], session_id: str, data: bytes, expires_in: int) -> None:
    key, expires_at = _hash(session_id), utcnow() + timedelta(seconds=expires_in)
    with factory() as db, db.begin():
        changed = db.execute(
            update(WebSession)
            .where(WebSession.id_hash == key)
            .values(data=data, expires_at=expires_at)
        )
        if not changed.rowcount:  # type: ignore[attr-defined]  # a CursorResult
            db.add(WebSession(id_hash=key, data=data, expires_at=expires_at))


def remove(factory: sessionmaker[Session], session_id: str) -> None:
    with factory() as db, db.begin():
        db.execute(delete(WebSession).where(WebSession.id_hash == _hash(session_id)))


def prune(factory: sessionmaker[Session]) -> int:
    """Delete expired sessions; how many went."""
    with factory() as db, db.begin():
        gone = db.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))
        return int(gone.rowcount)  # type: ignore[attr-defined]


def remaining_seconds(factory: sessionmaker[Session], session_id: str) -> int | None:
    with factory() as db:
        expires_at = db.scalar(
            select(WebSession.expires_at).where(WebSession.id_hash == _hash(session_id))
        )
    if expires_at is None:
        return None
    return max(int((expires_at - utcnow()).total_seconds()), 0)
