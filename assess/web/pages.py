"""HTML pages for everyone: home, accessibility, sign-in, account, the officer's start page."""

from __future__ import annotations

from datetime import UTC, datetime
from math import ceil
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, PathParameter, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.orm import Session

from assess import i18n
from assess.access import Principal
from assess.db.session import transaction
from assess.errors import InvalidInput
from assess.i18n import _
from assess.services import accounts, answering, assessments, login, questionnaires, tokens
from assess.web.auth import PUBLIC_PAGE, SESSION_LANGUAGE, client_address
from assess.web.deps import Db, viewer
from assess.web.forms import value
from assess.web.viewer import sign_in

Form = URLEncodedBody[dict[str, Any]]
AnyRequest = Request[Any, Any, Any]


def page(template: str, status: int = 200, **context: Any) -> Template:
    return Template(template, context=context, status_code=status)


def text(form: dict[str, Any], name: str) -> str:
    return value(form, name).strip()


def safe_next(target: str) -> str:
    """Only local paths, so the login page can never send someone elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/start"


class PublicPages(Controller):
    include_in_schema = False
    opt = PUBLIC_PAGE

    @get("/", sync_to_thread=True)
    def home(self, db: Db) -> Template:
        return page("home.html", vragenlijst=questionnaires.latest(db))

    @get("/toegankelijkheid", sync_to_thread=False)
    def accessibility(self) -> Template:
        return page("toegankelijkheid.html")

    @get("/inloggen", sync_to_thread=False)
    def login_form(self, volgende: FromQuery[str] = "/start") -> Template:
        return page("inloggen.html", volgende=safe_next(volgende), email="", fout=None)

    @post("/inloggen", sync_to_thread=True, status_code=HTTP_200_OK)
    def submit_sign_in(self, request: AnyRequest, data: Form) -> Template | Redirect:
        """Its own unit of work: a failed sign-in is itself a fact to keep (the throttle)."""
        email, target = text(data, "email"), safe_next(text(data, "volgende"))
        source = client_address(request)
        with transaction(request.app.state.session_factory) as session:
            if waiting := login.wait(session, email, source):
                minutes = ceil(waiting.total_seconds() / 60)
                message = i18n.ngettext(
                    "Te veel mislukte pogingen. Probeer het over {n} minuut opnieuw.",
                    "Te veel mislukte pogingen. Probeer het over {n} minuten opnieuw.",
                    minutes,
                ).format(n=minutes)
                retry = {"Retry-After": str(ceil(waiting.total_seconds()))}
                context = {"volgende": target, "email": email, "fout": message}
                return Template("inloggen.html", context=context, status_code=429, headers=retry)
            principal = login.authenticate(session, email, text(data, "wachtwoord"), source)
            if principal is None:
                login.count_failure(session, email, source)
                message = _("Deze combinatie van e-mailadres en wachtwoord kennen we niet.")
                return page("inloggen.html", 400, volgende=target, email=email, fout=message)
            sign_in(request, accounts.account(session, principal))
        return Redirect(target, status_code=303)

    @post("/uitloggen", sync_to_thread=False, status_code=HTTP_200_OK)
    def logout(self, request: AnyRequest) -> Redirect:
        request.clear_session()
        return Redirect("/", status_code=303)


class AccountPages(Controller):
    path = "/account"
    include_in_schema = False

    def _render(self, db: Session, who: Principal, status: int = 200, **extra: Any) -> Template:
        context = {
            "viewer": who,
            "tokens": tokens.of_user(db, who),
            "taal": accounts.account(db, who).language,
            "talen": i18n.LANGUAGES,
            "fouten": {},
            "nieuw_token": None,
            "melding": None,
        }
        return page("account.html", status, **{**context, **extra})

    @get(sync_to_thread=True)
    def account(self, request: AnyRequest, db: Db) -> Template:
        return self._render(db, viewer(request))

    @post("/wachtwoord", sync_to_thread=True, status_code=HTTP_200_OK)
    def change_password(self, request: AnyRequest, db: Db, data: Form) -> Template:
        who = viewer(request)
        try:
            accounts.change_password(
                db, who, text(data, "huidig"), text(data, "nieuw"), text(data, "herhaling")
            )
        except InvalidInput as exc:
            return self._render(db, who, 400, fouten=exc.invalid_params)
        db.flush()
        sign_in(request, accounts.account(db, who))  # this session goes on; all others end
        message = _("Uw wachtwoord is gewijzigd. U bent overal elders afgemeld.")
        return self._render(db, who, melding=message)

    @post("/tokens", sync_to_thread=True, status_code=HTTP_200_OK)
    def create_token(self, request: AnyRequest, db: Db, data: Form) -> Template:
        who, name, expires = viewer(request), text(data, "naam")[:100], text(data, "verloopt")
        try:
            expires_at = datetime.fromisoformat(expires).replace(tzinfo=UTC) if expires else None
            token = tokens.create(db, who, name, expires_at)
        except ValueError:
            fout = _("Kies een vervaldatum in de toekomst, of laat het veld leeg.")
            return self._render(db, who, 400, fouten={"verloopt": fout}, naam=name)
        except InvalidInput as exc:
            return self._render(db, who, 400, fouten=exc.invalid_params, naam=name)
        return self._render(db, who, nieuw_token=token)

    @post("/tokens/{token_id:int}/intrekken", sync_to_thread=True, status_code=HTTP_200_OK)
    def revoke_token(
        self, request: AnyRequest, db: Db, token_id: Annotated[int, PathParameter()]
    ) -> Template:
        who = viewer(request)
        tokens.revoke(db, who, token_id)
        return self._render(db, who, melding=_("Het token is ingetrokken."))

    @post("/taal", sync_to_thread=True, status_code=HTTP_200_OK)
    def set_language(self, request: AnyRequest, db: Db, data: Form) -> Redirect:
        language = text(data, "taal")
        accounts.set_language(db, viewer(request), language)
        request.session[SESSION_LANGUAGE] = language
        return Redirect("/account", status_code=303)


class StartPage(Controller):
    include_in_schema = False

    @get("/start", sync_to_thread=True)
    def start(self, request: AnyRequest, db: Db) -> Template:
        who = viewer(request)
        found = assessments.overview(db, who)
        if found is None:
            return page("start_vng.html", viewer=who)
        return page(
            "start.html",
            viewer=who,
            gemeente=found.gemeente,
            rijen=[(item, item.progress()) for item in found.assessments],
            dit_jaar=found.this_year,
            kan_starten=found.can_start,
        )

    @post("/zelfevaluaties", sync_to_thread=True, status_code=HTTP_200_OK)
    def start_assessment(self, request: AnyRequest, db: Db) -> Redirect:
        who = viewer(request)
        item = answering.start(db, who, who.municipality_code or "", datetime.now(UTC).year)
        return Redirect(f"/zelfevaluaties/{item.id}/domein/A", status_code=303)
