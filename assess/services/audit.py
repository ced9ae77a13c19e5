"""The audit trail: who did what to which object, from where."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from assess.access import Principal
from assess.db.models import AuditEvent

_INSERT = insert(cast(Table, AuditEvent.__table__))  # Core: no ORM bulk-insert machinery


def record(
    session: Session, who: Principal, action: str, obj: str, obj_id: object, **details: Any
) -> None:
    session.execute(
        _INSERT,
        {
            "actor_id": who.user_id,
            "action": action,
            "object_type": obj,
            "object_id": str(obj_id),
            "details": details,
            "source": who.source,
        },
    )
