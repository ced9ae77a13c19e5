"""create_app(settings) -> Litestar. Nothing happens at import."""

from __future__ import annotations

import secrets
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from assess import i18n, labels, logs
from assess.config import Settings, load_settings
from assess.db.session import make_engine, session_factory
from assess.framework.answers import ANSWER_CODES
from assess.services.reports import MemoryCache
from assess.web.api import GemeentenController, VragenlijstenController
from assess.web.api_actions import ActiesController
from assess.web.api_assessments import GemeenteZelfevaluatiesController, ZelfevaluatieController
from assess.web.api_benchmark import BenchmarkController
from assess.web.api_workbook import WerkboekController
from assess.web.auth import BearerTokenAuth, session_auth
from assess.web.deps import end_transaction, provide_session
from assess.web.errors import EXCEPTION_HANDLERS
from assess.web.health import health, ready
from assess.web.json_body import read_json_strictly
from assess.web.middleware import NoTrailingSlash, RequestLog, response_headers
from assess.web.openapi import openapi_config, openapi_document
from assess.web.pages import AccountPages, PublicPages, StartPage
from assess.web.pages_actions import ActionPlanPages
from assess.web.pages_admin import AdminPages
from assess.web.pages_assessment import AssessmentPages
from assess.web.pages_benchmark import BenchmarkPages
from assess.web.pages_signin import SignInPages
from assess.web.sessions import STORE_NAME, DatabaseStore
from assess.web.viewer import LanguageMiddleware

WEB = Path(__file__).parent / "web"
MAX_BODY = 64 * 1024  # an answer with its longest toelichting fits many times
MAX_FORM = 1024 * 1024  # a domain page with every toelichting at its longest, URL-encoded


def create_app(settings: Settings) -> Litestar:
    engine = make_engine(settings.effective_database_url)
    secret = settings.secret_key or secrets.token_urlsafe(32)  # tests and tools without a key
    signed_in = session_auth(settings.secure_cookies)
    state = State(
        {
            "settings": settings,
            "engine": engine,
            "session_factory": session_factory(engine),
            "report_memory": MemoryCache(),
        }
    )
    public_api = Router(
        path="/api/v1", route_handlers=[GemeentenController, VragenlijstenController]
    )
    private_api = Router(
        path="/api/v1",
        route_handlers=[
            GemeenteZelfevaluatiesController,
            ZelfevaluatieController,
            ActiesController,
            WerkboekController,
            BenchmarkController,
        ],
        middleware=[DefineMiddleware(BearerTokenAuth)],
        security=[{"BearerToken": []}],
        request_max_body_size=MAX_BODY,
        before_request=read_json_strictly,
    )
    return Litestar(
        route_handlers=[
            health,
            ready,
            openapi_document,
            public_api,
            private_api,
            PublicPages,
            SignInPages,
            AccountPages,
            StartPage,
            AssessmentPages,
            ActionPlanPages,
            AdminPages,
            BenchmarkPages,
            create_static_files_router(
                path="/static", directories=[WEB / "static"], opt={"exclude_from_auth": True}
            ),
        ],
        dependencies={"db": Provide(provide_session)},
        state=state,
        stores={STORE_NAME: DatabaseStore(state)},
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[RequestLog(), signed_in.middleware, LanguageMiddleware(), NoTrailingSlash()],
        csrf_config=CSRFConfig(
            secret=secret,
            cookie_name="zelfscan_csrf",
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
            exclude=["/api", "/health", "/ready"],
        ),
        before_send=[end_transaction, response_headers(settings.secure_cookies)],
        template_config=TemplateConfig(
            directory=WEB / "templates", engine=JinjaTemplateEngine, engine_callback=add_i18n
        ),
        openapi_config=openapi_config(),
        request_max_body_size=MAX_FORM,
        on_shutdown=[lambda: engine.dispose()],
        logging_config=None,  # assess/logs.py configures logging (JSON), where the server starts
    )


def add_i18n(engine: JinjaTemplateEngine) -> None:
    engine.engine.add_extension("jinja2.ext.i18n")
    engine.engine.add_extension("jinja2.ext.do")
    engine.engine.install_gettext_callables(  # type: ignore[attr-defined]  # the i18n extension
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    engine.engine.globals["current_language"] = i18n.current_language
    engine.engine.globals["languages"] = i18n.LANGUAGES
    engine.engine.globals["answer_codes"] = ANSWER_CODES
    engine.engine.globals["labels"] = labels


def create_app_from_env() -> Litestar:
    """Factory for uvicorn (`serve --workers N`): settings from ASSESS_* variables."""
    logs.configure()
    return create_app(load_settings())
