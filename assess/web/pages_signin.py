"""Signing in and out: the password, then the second factor's code, or setting it up where
the role requires it (a beheerder). Each step is its own unit of work, because a failed
attempt is itself a fact to keep (the throttle)."""

from __future__ import annotations

import time
from math import ceil
from typing import Any

from litestar import get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.orm import Session

from assess import i18n
from assess.access import Principal
from assess.db.session import transaction
from assess.errors import InvalidInput
from assess.i18n import _
from assess.security import new_totp_secret
from assess.services import accounts, login, second_factor
from assess.web.auth import PublicPages, client_address
from assess.web.pages import AnyRequest, Form, enrolment_context, page, safe_next, text
from assess.web.sessions import start_new_session
from assess.web.viewer import sign_in

# A password proven but no code yet: who, since when, where to go after, and a new secret.
HALFWAY = "halfweg"
HALFWAY_SECONDS = 10 * 60
CODE_PAGE, ENROL_PAGE = "/inloggen/code", "/inloggen/instellen"


def throttled(
    session: Session, request: AnyRequest, account: str, template: str, **context: Any
) -> Template | None:
    """The page again with a 429 while this account or address must wait; None: go on."""
    waiting = login.wait(session, account, client_address(request))
    if not waiting:
        return None
    minutes = ceil(waiting.total_seconds() / 60)
    message = i18n.ngettext(
        "Te veel mislukte pogingen. Probeer het over {n} minuut opnieuw.",
        "Te veel mislukte pogingen. Probeer het over {n} minuten opnieuw.",
        minutes,
    ).format(n=minutes)
    return Template(
        template,
        context={**context, "fout": message},
        status_code=429,
        headers={"Retry-After": str(ceil(waiting.total_seconds()))},
    )


def _halfway(request: AnyRequest) -> dict[str, Any] | None:
    state = request.session.get(HALFWAY) if request.session else None
    if not isinstance(state, dict) or time.time() - state.get("sinds", 0) > HALFWAY_SECONDS:
        return None
    return state


def _halfway_principal(
    session: Session, request: AnyRequest, state: dict[str, Any]
) -> Principal | None:
    """Who proved the password; None once blocked or the password changed meanwhile."""
    return accounts.active_principal(
        session, state["gebruiker"], client_address(request), state["generatie"]
    )


def _go_halfway(request: AnyRequest, account: accounts.Account, target: str) -> None:
    start_new_session(request)
    state = {"gebruiker": account.id, "generatie": account.session_epoch, "email": account.email}
    request.set_session({HALFWAY: {**state, "sinds": int(time.time()), "volgende": target}})


def _finish(session: Session, request: AnyRequest, who: Principal) -> None:
    login.finish(session, who)
    sign_in(request, accounts.account(session, who))


class SignInPages(PublicPages):
    @get("/inloggen", sync_to_thread=False)
    def login_form(self, volgende: FromQuery[str] = "/start") -> Template:
        return page("inloggen.html", volgende=safe_next(volgende), email="", fout=None)

    @post("/inloggen", sync_to_thread=True, status_code=HTTP_200_OK)
    def submit_sign_in(self, request: AnyRequest, data: Form) -> Template | Redirect:
        email, target = text(data, "email"), safe_next(text(data, "volgende"))
        context = {"volgende": target, "email": email}
        with transaction(request.app.state.session_factory) as session:
            if refused := throttled(session, request, email, "inloggen.html", **context):
                return refused
            source = client_address(request)
            proven = login.authenticate(session, email, text(data, "wachtwoord"), source)
            if proven is None:
                login.count_failure(session, email, source)
                message = _("Deze combinatie van e-mailadres en wachtwoord kennen we niet.")
                return page("inloggen.html", 400, fout=message, **context)
            who, step = proven
            if step == login.NextStep.DONE:
                _finish(session, request, who)
                return Redirect(target, status_code=303)
            _go_halfway(request, accounts.account(session, who), target)
        return Redirect(CODE_PAGE if step == login.NextStep.CODE else ENROL_PAGE, status_code=303)

    @get(CODE_PAGE, sync_to_thread=False)
    def code_form(self, request: AnyRequest) -> Template | Redirect:
        if _halfway(request) is None:
            return Redirect("/inloggen", status_code=303)
        return page("inloggen_code.html", fout=None)

    @post(CODE_PAGE, sync_to_thread=True, status_code=HTTP_200_OK)
    def submit_code(self, request: AnyRequest, data: Form) -> Template | Redirect:
        state = _halfway(request)
        if state is None:
            return Redirect("/inloggen", status_code=303)
        with transaction(request.app.state.session_factory) as session:
            if refused := throttled(session, request, state["email"], "inloggen_code.html"):
                return refused
            who = _halfway_principal(session, request, state)
            if who is None:
                return Redirect("/inloggen", status_code=303)
            if not login.check_code(session, who, text(data, "code")):
                login.count_failure(session, state["email"], client_address(request))
                return page("inloggen_code.html", 400, fout=second_factor.wrong_code())
            _finish(session, request, who)
        return Redirect(state["volgende"], status_code=303)

    @get(ENROL_PAGE, sync_to_thread=False)
    def enrol_form(self, request: AnyRequest) -> Template | Redirect:
        state = _halfway(request)
        if state is None:
            return Redirect("/inloggen", status_code=303)
        secret = state.setdefault("geheim", new_totp_secret())
        request.session[HALFWAY] = state  # keeps the secret for the confirmation
        return page("tweestaps.html", **enrolment_context(state["email"], secret, ENROL_PAGE))

    @post(ENROL_PAGE, sync_to_thread=True, status_code=HTTP_200_OK)
    def submit_enrolment(self, request: AnyRequest, data: Form) -> Template | Redirect:
        state = _halfway(request)
        if state is None or "geheim" not in state:
            return Redirect("/inloggen", status_code=303)
        with transaction(request.app.state.session_factory) as session:
            who = _halfway_principal(session, request, state)
            if who is None:
                return Redirect("/inloggen", status_code=303)
            try:
                codes = second_factor.enable(session, who, state["geheim"], text(data, "code"))
            except InvalidInput as exc:
                context = enrolment_context(state["email"], state["geheim"], ENROL_PAGE)
                return page("tweestaps.html", 400, **{**context, "fouten": exc.invalid_params})
            _finish(session, request, who)
        return page("herstelcodes.html", codes=codes, verder=state["volgende"])

    @post("/uitloggen", sync_to_thread=False, status_code=HTTP_200_OK)
    def logout(self, request: AnyRequest) -> Redirect:
        request.clear_session()
        return Redirect("/", status_code=303)
