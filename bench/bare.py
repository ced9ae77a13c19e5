"""The ceiling for the HTTP figures: a bare Litestar app with the project's routes and schemas.

It decodes the same request struct and encodes the same response struct as the project, with
no database, authentication, middleware or logging. Served by the same uvicorn as the project.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from litestar import Litestar, get, put

from assess.web.schemas.assessments import Antwoord, AntwoordInvoer, Document

ZELFEVALUATIE = "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}"


@put(f"{ZELFEVALUATIE}/antwoorden/{{vraag_id:str}}", sync_to_thread=False)
def save(zelfevaluatie_id: uuid.UUID, vraag_id: str, data: AntwoordInvoer) -> Antwoord:
    answer = data.to_answer()
    return Antwoord(
        vraag_id=vraag_id,
        antwoord=answer.code,
        regionaal=answer.regional,
        toelichting=answer.explanation,
        bewijs=answer.evidence,
        documenten=[Document.of(d) for d in answer.documents],
        vooringevuld=False,
        gewijzigd_op=datetime.now(UTC),
        versie=1,
    )


@get(f"{ZELFEVALUATIE}/{{view:str}}", sync_to_thread=False)
def read(zelfevaluatie_id: uuid.UUID, view: str) -> Antwoord:
    return Antwoord(
        vraag_id="A1",
        antwoord="2",
        regionaal=False,
        toelichting=view,
        bewijs="",
        documenten=[],
        vooringevuld=False,
        gewijzigd_op=datetime.now(UTC),
        versie=1,
    )


app = Litestar([save, read])
