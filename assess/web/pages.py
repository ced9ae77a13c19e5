"""HTML pages for everyone: home, accessibility, sign-in, account, the officer's start page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.orm import Session

from assess import i18n
from assess.access import Principal
from assess.errors import InvalidInput
from assess.i18n import _
from assess.security import new_totp_secret
from assess.services import accounts, answering, assessments, questionnaires, second_factor, tokens
from assess.web.auth import SESSION_LANGUAGE
from assess.web.auth import PublicPages as Public
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
    """Only local paths, so a form can never send someone elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/start"


class PublicPages(Public):
    @get("/", sync_to_thread=True)
    def home(self, db: Db) -> Template:
        return page("home.html", vragenlijst=questionnaires.latest(db))

    @get("/toegankelijkheid", sync_to_thread=False)
    def accessibility(self) -> Template:
        return page("toegankelijkheid.html")

    @get("/favicon.ico", sync_to_thread=False)
    def favicon(self) -> Redirect:
        """For clients that ask for the icon without reading the page's link to it."""
        return Redirect("/static/favicon.svg", status_code=301)

    @get("/{rest:path}", sync_to_thread=False)
    def not_found(self, rest: Annotated[str, PathParameter()]) -> Template:
        """Any other path: a 404 page that still knows who is signed in and their language
        (an unrouted request would get neither, as the session is not read)."""
        raise NotFoundException()

    @post("/taal", sync_to_thread=True, status_code=HTTP_200_OK)
    def switch_language(self, request: AnyRequest, db: Db, data: Form) -> Redirect:
        """The language switch in every page's header; kept with a signed-in user's account."""
        language = text(data, "taal")
        if (who := request.scope.get("user")) is not None:
            accounts.set_language(db, who, language)
        elif language not in i18n.LANGUAGES:
            language = i18n.DEFAULT
        request.session[SESSION_LANGUAGE] = language
        return Redirect(safe_next(text(data, "terug")), status_code=303)


NEW_SECRET = "tweestaps_geheim"  # the secret being set up on the account page
SETUP = "/account/tweestaps"


def enrolment_context(email: str, secret: str, action: str) -> dict[str, Any]:
    """The page that sets up the second factor: QR code, secret, and where to post the code."""
    return {"inschrijving": second_factor.enrolment(email, secret), "actie": action, "fouten": {}}


def prefixed(problems: dict[str, str], prefix: str) -> dict[str, str]:
    """Field errors of one of several forms on a page, whose fields share a name."""
    return {prefix + name: reason for name, reason in problems.items()}


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
            "tweestaps": second_factor.state(db, who),
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

    @get("/tweestaps", sync_to_thread=True)
    def second_factor_form(self, request: AnyRequest, db: Db) -> Template | Redirect:
        who = viewer(request)
        if second_factor.state(db, who).enabled:
            return Redirect("/account#tweestaps", status_code=303)
        secret = request.session.setdefault(NEW_SECRET, new_totp_secret())
        return page("tweestaps.html", viewer=who, **enrolment_context(who.email, secret, SETUP))

    @post("/tweestaps", sync_to_thread=True, status_code=HTTP_200_OK)
    def enable_second_factor(self, request: AnyRequest, db: Db, data: Form) -> Template | Redirect:
        who, secret = viewer(request), request.session.get(NEW_SECRET)
        if not isinstance(secret, str):
            return Redirect("/account/tweestaps", status_code=303)
        try:
            codes = second_factor.enable(db, who, secret, text(data, "code"))
        except InvalidInput as exc:
            context = enrolment_context(who.email, secret, SETUP)
            return page(
                "tweestaps.html", 400, viewer=who, **{**context, "fouten": exc.invalid_params}
            )
        request.session.pop(NEW_SECRET, None)
        return page("herstelcodes.html", viewer=who, codes=codes, verder="/account#tweestaps")

    @post("/tweestaps/herstelcodes", sync_to_thread=True, status_code=HTTP_200_OK)
    def renew_recovery_codes(self, request: AnyRequest, db: Db, data: Form) -> Template:
        who = viewer(request)
        try:
            codes = second_factor.renew_recovery_codes(db, who, text(data, "code"))
        except InvalidInput as exc:
            return self._render(db, who, 400, fouten=prefixed(exc.invalid_params, "nieuw-"))
        return page("herstelcodes.html", viewer=who, codes=codes, verder="/account#tweestaps")

    @post("/tweestaps/uit", sync_to_thread=True, status_code=HTTP_200_OK)
    def disable_second_factor(self, request: AnyRequest, db: Db, data: Form) -> Template:
        who = viewer(request)
        try:
            second_factor.disable(db, who, text(data, "code"))
        except InvalidInput as exc:
            return self._render(db, who, 400, fouten=prefixed(exc.invalid_params, "uit-"))
        return self._render(db, who, melding=_("Tweestapsverificatie staat uit."))

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
