"""HTML pages. Handlers call services and render templates."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.orm import Session

from assess import services
from assess.errors import NotFound


class PublicPages(Controller):
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def home(self, db: NamedDependency[Session]) -> Template:
        try:
            version = services.questionnaire_version(db, services.DEFAULT_QUESTIONNAIRE)
            questionnaire = services.definition_of(version)
        except NotFound:
            questionnaire = None
        return Template("home.html", context={"vragenlijst": questionnaire})
