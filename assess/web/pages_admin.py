"""The beheerder's pages: the users, adding one, changing a role, blocking and unblocking."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import PathParameter
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.orm import Session

from assess.access import USER_ROLES, Principal, Role
from assess.errors import Conflict, InvalidInput
from assess.i18n import _
from assess.security import generate_password
from assess.services import accounts, register, users
from assess.web.auth import roles
from assess.web.deps import Db, viewer
from assess.web.pages import AnyRequest, Form, page, text

UserId = Annotated[int, PathParameter()]


class AdminPages(Controller):
    path = "/beheer/gebruikers"
    include_in_schema = False
    guards = [roles(Role.BEHEERDER)]

    def _render(self, db: Session, who: Principal, status: int = 200, **extra: Any) -> Template:
        context = {
            "viewer": who,
            "gebruikers": users.listing(db, who),
            "rollen": USER_ROLES,
            "regios": register.riec_regions(db),
            "fouten": {},
            "getypt": {},
            "melding": None,
            "fout": None,
            "nieuw_wachtwoord": None,
            "rol_gewijzigd": None,
        }
        return page("beheer_gebruikers.html", status, **{**context, **extra})

    @get(sync_to_thread=True)
    def list_users(self, request: AnyRequest, db: Db) -> Template:
        return self._render(db, viewer(request))

    @post(sync_to_thread=True, status_code=HTTP_200_OK)
    def add_user(self, request: AnyRequest, db: Db, data: Form) -> Template:
        who = viewer(request)
        typed = {name: text(data, name) for name in ("email", "rol", "gemeente", "regio")}
        password = generate_password()
        try:
            added = accounts.add_user(
                db,
                who,
                typed["email"],
                typed["rol"],
                password,
                typed["gemeente"].upper() or None,
                typed["regio"] or None,
            )
        except (InvalidInput, Conflict) as exc:
            problems = getattr(exc, "invalid_params", None) or {"email": exc.detail}
            return self._render(db, who, exc.status, fouten=problems, getypt=typed)
        db.flush()
        message = _("Gebruiker {email} is toegevoegd.").format(email=added.email)
        return self._render(db, who, melding=message, nieuw_wachtwoord=(added.email, password))

    @get("/{user_id:int}", sync_to_thread=True)
    def edit_role(self, request: AnyRequest, db: Db, user_id: UserId) -> Template:
        who = viewer(request)
        shown = users.one(db, who, user_id)
        return self._render_role(db, who, shown, shown.form_fields())

    @post("/{user_id:int}", sync_to_thread=True, status_code=HTTP_200_OK)
    def change_role(self, request: AnyRequest, db: Db, user_id: UserId, data: Form) -> Template:
        who = viewer(request)
        typed = {name: text(data, name) for name in ("rol", "gemeente", "regio")}
        place = typed["gemeente"].upper() or None, typed["regio"] or None
        try:
            shown, changed = users.change_role(db, who, user_id, typed["rol"], *place)
        except (InvalidInput, Conflict) as exc:
            problems = getattr(exc, "invalid_params", None) or {}
            fault = None if problems else exc.detail
            shown = users.one(db, who, user_id)
            return self._render_role(db, who, shown, typed, exc.status, problems, fault)
        if not changed:
            return self._render(db, who, melding=_("Er is niets gewijzigd."))
        return self._render(db, who, rol_gewijzigd=shown)

    def _render_role(
        self,
        db: Session,
        who: Principal,
        shown: users.Listed,
        typed: dict[str, str],
        status: int = 200,
        problems: dict[str, str] | None = None,
        fault: str | None = None,
    ) -> Template:
        return page(
            "beheer_gebruiker.html",
            status,
            viewer=who,
            gebruiker=shown,
            rollen=USER_ROLES,
            regios=register.riec_regions(db),
            getypt=typed,
            fouten=problems or {},
            fout=fault,
        )

    @post("/{user_id:int}/blokkeren", sync_to_thread=True, status_code=HTTP_200_OK)
    def block(self, request: AnyRequest, db: Db, user_id: UserId) -> Template:
        return self._set_active(request, db, user_id, active=False)

    @post("/{user_id:int}/deblokkeren", sync_to_thread=True, status_code=HTTP_200_OK)
    def unblock(self, request: AnyRequest, db: Db, user_id: UserId) -> Template:
        return self._set_active(request, db, user_id, active=True)

    def _set_active(self, request: AnyRequest, db: Db, user_id: int, active: bool) -> Template:
        who = viewer(request)
        try:
            email = users.set_active(db, who, user_id, active)
        except Conflict as exc:
            return self._render(db, who, exc.status, fout=exc.detail)
        db.flush()
        if active:
            message = _("{email} kan weer inloggen.").format(email=email)
        else:
            message = _("{email} is geblokkeerd: sessies en API-tokens werken niet meer.")
            message = message.format(email=email)
        return self._render(db, who, melding=message)
