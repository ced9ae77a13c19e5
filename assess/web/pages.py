"""HTML pages for everyone: home, accessibility, sign-in, account, the officer's start page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, PathParameter, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.orm import Session

from assess import i18n, services
from assess.access import Principal, Role
from assess.errors import InvalidInput, NotFound
from assess.i18n import _
from assess.web.deps import Db, client_source
from assess.web.viewer import SESSION_LANGUAGE, current_viewer, sign_in

Viewer = NamedDependency[Principal]
Form = URLEncodedBody[dict[str, Any]]
SIGNED_IN = {"viewer": Provide(current_viewer, sync_to_thread=True)}


def page(template: str, status: int = 200, **context: Any) -> Template:
    return Template(template, context=context, status_code=status)


def text(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    return (value[-1] if isinstance(value, list) else str(value)).strip()


def safe_next(target: str) -> str:
    """Only local paths, so the login page can never send someone elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/start"


class PublicPages(Controller):
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def home(self, request: Request, db: Db) -> Template:
        try:
            version = services.questionnaire_version(db, services.DEFAULT_QUESTIONNAIRE)
            questionnaire = services.definition_of(version)
        except NotFound:
            questionnaire = None
        return page("home.html", vragenlijst=questionnaire)

    @get("/toegankelijkheid", sync_to_thread=False)
    def accessibility(self) -> Template:
        return page("toegankelijkheid.html")

    @get("/inloggen", sync_to_thread=False)
    def login_form(self, volgende: FromQuery[str] = "/start") -> Template:
        return page("inloggen.html", volgende=safe_next(volgende), email="", fout=None)

    @post("/inloggen", sync_to_thread=True, status_code=HTTP_200_OK)
    def login(self, request: Request, db: Db, data: Form) -> Template | Redirect:
        email, target = text(data, "email"), safe_next(text(data, "volgende"))
        if services.login_blocked(db, email, client_source(request)):
            message = _("Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.")
            return page("inloggen.html", 429, volgende=target, email=email, fout=message)
        principal = services.authenticate(
            db, email, text(data, "wachtwoord"), client_source(request)
        )
        if principal is None:
            message = _("Deze combinatie van e-mailadres en wachtwoord kennen we niet.")
            return page("inloggen.html", 400, volgende=target, email=email, fout=message)
        sign_in(request, principal, services.user_of(db, principal).language)
        return Redirect(target, status_code=303)

    @post("/uitloggen", sync_to_thread=False, status_code=HTTP_200_OK)
    def logout(self, request: Request) -> Redirect:
        request.clear_session()
        return Redirect("/", status_code=303)


class AccountPages(Controller):
    path = "/account"
    include_in_schema = False
    dependencies = SIGNED_IN

    def _render(self, db: Session, viewer: Principal, status: int = 200, **extra: Any) -> Template:
        user = services.user_of(db, viewer)
        context = {
            "viewer": viewer,
            "tokens": services.tokens_of(db, user),
            "taal": user.language,
            "talen": i18n.LANGUAGES,
            "fouten": {},
            "nieuw_token": None,
            "melding": None,
        }
        return page("account.html", status, **{**context, **extra})

    @get(sync_to_thread=True)
    def account(self, db: Db, viewer: Viewer) -> Template:
        return self._render(db, viewer)

    @post("/wachtwoord", sync_to_thread=True, status_code=HTTP_200_OK)
    def change_password(self, request: Request, db: Db, viewer: Viewer, data: Form) -> Template:
        try:
            services.change_password(
                db,
                viewer,
                text(data, "huidig"),
                text(data, "nieuw"),
                text(data, "herhaling"),
                client_source(request),
            )
        except InvalidInput as exc:
            return self._render(db, viewer, 400, fouten=exc.invalid_params)
        return self._render(db, viewer, melding=_("Uw wachtwoord is gewijzigd."))

    @post("/tokens", sync_to_thread=True, status_code=HTTP_200_OK)
    def create_token(self, request: Request, db: Db, viewer: Viewer, data: Form) -> Template:
        name = text(data, "naam")[:100]
        expires = text(data, "verloopt")
        try:
            expires_at = datetime.fromisoformat(expires).replace(tzinfo=UTC) if expires else None
        except ValueError:
            expires_at = None
        if expires and (expires_at is None or expires_at <= datetime.now(UTC)):
            fout = _("Kies een vervaldatum in de toekomst, of laat het veld leeg.")
            return self._render(db, viewer, 400, fouten={"verloopt": fout}, naam=name)
        token = services.create_token(
            db,
            services.user_of(db, viewer),
            name,
            expires_at,
            services.Actor.of(viewer, client_source(request)),
        )
        return self._render(db, viewer, nieuw_token=token)

    @post("/tokens/{token_id:int}/intrekken", sync_to_thread=True, status_code=HTTP_200_OK)
    def revoke_token(
        self,
        request: Request,
        db: Db,
        viewer: Viewer,
        token_id: Annotated[int, PathParameter()],
    ) -> Template:
        services.revoke_token(
            db,
            services.user_of(db, viewer),
            token_id,
            services.Actor.of(viewer, client_source(request)),
        )
        return self._render(db, viewer, melding=_("Het token is ingetrokken."))

    @post("/taal", sync_to_thread=True, status_code=HTTP_200_OK)
    def set_language(self, request: Request, db: Db, viewer: Viewer, data: Form) -> Redirect:
        language = text(data, "taal")
        services.set_language(db, viewer, language)
        request.session[SESSION_LANGUAGE] = language
        return Redirect("/account", status_code=303)


class StartPage(Controller):
    include_in_schema = False
    dependencies = SIGNED_IN

    @get("/start", sync_to_thread=True)
    def start(self, db: Db, viewer: Viewer) -> Template:
        if viewer.role != Role.MEDEWERKER or viewer.municipality_code is None:
            return page("start_vng.html", viewer=viewer)
        gemeente = services.municipality(db, viewer.municipality_code)
        items, _total = services.visible_assessments(db, viewer, gemeente.code, 1, 50)
        rows = [(item, services.progress(item)) for item in items]
        this_year = datetime.now(UTC).year
        return page(
            "start.html",
            viewer=viewer,
            gemeente=gemeente,
            rijen=rows,
            dit_jaar=this_year,
            kan_starten=all(item.year != this_year for item in items),
        )

    @post("/zelfevaluaties", sync_to_thread=True, status_code=HTTP_200_OK)
    def start_assessment(self, request: Request, db: Db, viewer: Viewer) -> Redirect:
        item = services.start_assessment(
            db,
            viewer,
            viewer.municipality_code or "",
            datetime.now(UTC).year,
            client_source(request),
        )
        return Redirect(f"/zelfevaluaties/{item.id}/domein/A", status_code=303)
