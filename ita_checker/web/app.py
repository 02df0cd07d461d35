"""The web service (``ita-checker serve``): the self-check page, its job pages and downloads, on Starlette."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ita_checker.check import validate_site
from ita_checker.crawl.netguard import Guard
from ita_checker.errors import InputError
from ita_checker.inputs.submissions import SubmissionForm, read_submissions
from ita_checker.interrupts import STOP
from ita_checker.models import AGENCY_TYPE_TH, AgencyType
from ita_checker.options import CrawlSettings
from ita_checker.report.html import STATIC_DIR as REPORT_STATIC
from ita_checker.report.html import TEMPLATES_DIR as REPORT_TEMPLATES
from ita_checker.report.html import build_embedded_report
from ita_checker.rules.loader import find_ruleset, get_ruleset, list_rulesets
from ita_checker.store.history import History
from ita_checker.text import clock
from ita_checker.web.accounts import Accounts, User
from ita_checker.web.console import Console
from ita_checker.web.jobs import DOWNLOADS, JobBoard
from ita_checker.web.protect import CSRF_COOKIE, CSRF_FIELD, SECURITY_HEADERS, Csrf, RateLimits, load_secret
from ita_checker.web.scans import ScanBoard

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # a submission form is a few KB; a bigger upload is refused unread
FORM_SUFFIXES = (".xlsx", ".csv")


@dataclass
class WebConfig:
    """How the service runs: where it keeps jobs, how it crawls, how hard it limits visitors."""

    data_dir: Path = Path("outputs/web")
    settings: CrawlSettings = field(default_factory=CrawlSettings)
    workers: int = 2
    per_client: str = "6/hour"
    per_site: str = "3/hour"
    stop_checks_on_shutdown: bool = True  # the CLI: running checks stop at once when the service stops
    db_url: str | None = None  # the history (scans, accounts) in this database instead of the store's SQLite file
    secure_cookies: bool = False  # behind HTTPS: session and CSRF cookies are sent only over HTTPS
    per_login: str = "10/minute"  # sign-in attempts per client address


def ruleset_years() -> list[int]:
    """Fiscal years that have a rule set, newest first."""
    return sorted({get_ruleset(d.name).info.year for d in list_rulesets()}, reverse=True)


def template_environment() -> Environment:
    """The service's own pages first, then the report templates they include (one copy of the report markup)."""
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(str(WEB_DIR / "templates")), FileSystemLoader(str(REPORT_TEMPLATES))]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class SecurityHeaders(BaseHTTPMiddleware):
    """A strict Content-Security-Policy and friends on every response."""

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        response.headers.setdefault("Cache-Control", "no-store")
        return response


class Service:
    """The routes and what they share: the job board, the limits, the CSRF signer, the templates."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.board = JobBoard(config.data_dir, config.settings, workers=config.workers)
        self.limits = RateLimits(per_client=config.per_client, per_site=config.per_site)
        secret = load_secret(config.data_dir / "secret.key")
        self.csrf = Csrf(secret)
        self.session_key = hashlib.sha256(b"ita-checker-session:" + secret).hexdigest()
        self.templates = Jinja2Templates(env=template_environment())
        self.years = ruleset_years()
        self.guard = Guard(allow_private=config.settings.allow_private, allowed_hosts=frozenset())
        self.history = History(config.db_url) if config.db_url else History(config.settings.store_dir)
        self.accounts = Accounts(self.history)
        self.login_limit = RateLimits(per_client=config.per_login, per_site="1000/minute")
        self.scans = ScanBoard(config.data_dir, config.settings, config.db_url)

    # --- pages -------------------------------------------------------------------------------------------

    def _page(self, request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        cookie = request.cookies.get(CSRF_COOKIE) or Csrf.new_cookie()
        context = {
            "user": self.user(request),
            "csrf_field": CSRF_FIELD,
            "csrf_token": self.csrf.field_for(cookie),
            "agency_types": [(t.value, AGENCY_TYPE_TH[t.value]) for t in AgencyType],
            "years": self.years,
            **context,
        }
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        if request.cookies.get(CSRF_COOKIE) != cookie:
            response.set_cookie(
                CSRF_COOKIE,
                cookie,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
                max_age=12 * 3600,
                path="/",
            )
        return response

    def _form_page(
        self, request: Request, *, error: str = "", values: dict[str, str] | None = None, status: int = 200
    ) -> Response:
        fy = clock.current_fiscal_year()
        default = {
            "site": "",
            "name": "",
            "year": str(fy if fy in self.years else self.years[0]),
            "agency_type": "local",
        }
        values = default | (values or {})
        return self._page(request, "selfcheck.html.j2", {"error": error, "values": values, "current_fy": fy}, status)

    async def home(self, request: Request) -> Response:
        return self._form_page(request)

    async def create(self, request: Request) -> Response:
        size = request.headers.get("content-length")
        if size is None or not size.isdigit():
            return PlainTextResponse("ต้องระบุขนาดข้อมูลที่ส่ง / Content-Length required", status_code=411)
        if int(size) > MAX_UPLOAD_BYTES + 64 * 1024:
            return self._form_page(
                request,
                status=413,
                error=f"ไฟล์ที่แนบใหญ่เกินไป (ไม่เกิน {MAX_UPLOAD_BYTES // 1024 // 1024} MB) / upload too large",
            )
        async with request.form(max_files=1, max_fields=8, max_part_size=MAX_UPLOAD_BYTES) as data:
            fields = {k: str(data.get(k) or "").strip() for k in ("site", "name", "year", "agency_type", CSRF_FIELD)}
            if not self.csrf.valid(request.cookies.get(CSRF_COOKIE), fields[CSRF_FIELD]):
                return self._form_page(
                    request,
                    status=403,
                    values=fields,
                    error="แบบฟอร์มหมดอายุหรือไม่ได้ส่งจากหน้านี้ กรุณาส่งใหม่อีกครั้ง / invalid or expired form (CSRF)",
                )
            upload = data.get("submissions")
            try:
                site, year, agency_type = self._validate(fields)
                form = await self._read_upload(upload) if isinstance(upload, UploadFile) and upload.filename else None
            except InputError as exc:
                return self._form_page(request, error=str(exc), values=fields, status=400)
        client = request.client.host if request.client else "unknown"
        refusal = self.limits.hit(client=client, site_host=(urlparse(site).hostname or "").lower())
        if refusal is not None:
            response = self._form_page(request, error=refusal.message, values=fields, status=429)
            response.headers["Retry-After"] = str(refusal.retry_after_s)
            return response
        job = self.board.submit(site=site, year=year, agency_type=agency_type, form=form, name=fields["name"][:200])
        log.info("self-check %s queued for %s (%s, %s)", job.id, site, year, agency_type)
        return RedirectResponse(f"/check/{job.id}", status_code=303)

    def _validate(self, fields: dict[str, str]) -> tuple[str, int, str]:
        """The site URL, year and agency type of the form, or InputError with a Thai message; the site is
        refused here (nothing fetched) when the guard forbids it."""
        if not fields["site"]:
            raise InputError("กรุณากรอกที่อยู่เว็บไซต์หลักของหน่วยงาน เช่น https://www.example.go.th/ / site is required")
        site = validate_site(fields["site"])
        if not fields["year"].isdigit() or int(fields["year"]) not in self.years:
            shown = ", ".join(map(str, self.years))
            raise InputError(f"ปีงบประมาณ '{fields['year']}' ไม่มีเกณฑ์ให้ตรวจ (มี {shown}) / unknown fiscal year")
        year = int(fields["year"])
        if fields["agency_type"] not in AgencyType.__members__:
            raise InputError(f"ไม่รู้จักประเภทหน่วยงาน '{fields['agency_type']}' / unknown agency type")
        find_ruleset(year=year, agency_type=fields["agency_type"])  # InputError when the year has none for it
        self.guard.check(site)  # BlockedTarget (an InputError): a private or loopback address
        return site, year, fields["agency_type"]

    async def _read_upload(self, upload: UploadFile) -> SubmissionForm:
        name = Path(upload.filename or "").name
        suffix = Path(name).suffix.lower()
        if suffix not in FORM_SUFFIXES:
            raise InputError(
                f"ไฟล์ '{name}' ไม่ใช่แบบฟอร์มที่อ่านได้: ใช้ไฟล์ .xlsx หรือ .csv / the form must be an .xlsx or .csv file"
            )
        body = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(body) > MAX_UPLOAD_BYTES:
            raise InputError(f"ไฟล์ '{name}' ใหญ่เกินไป (ไม่เกิน 2 MB) / the form file is too large")
        uploads = self.config.data_dir / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        path = uploads / f"{secrets.token_hex(8)}{suffix}"
        path.write_bytes(body)
        try:
            return read_submissions(path)
        except InputError as exc:  # the reader names the file by its temporary name: give the visitor's
            raise InputError(str(exc).replace(str(path), name).replace(path.name, name)) from exc
        finally:
            path.unlink(missing_ok=True)

    async def job(self, request: Request) -> Response:
        job = self.board.get(request.path_params["job_id"])
        if job is None:
            return self._page(request, "not_found.html.j2", {}, status=404)
        context: dict[str, Any] = {"job": job, "ahead": self.board.queued_ahead(job.id), "report": None}
        if job.state == "done":
            out = self.board.out_dir(job.id)
            try:
                result = json.loads((out / "result.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                job.state, job.error = "failed", "ไม่พบผลการตรวจของงานนี้ / the result is missing"
            else:
                context["report"] = build_embedded_report(result, out)
                context["downloads"] = [n for n in DOWNLOADS if (out / n).is_file()]
        return self._page(request, "job.html.j2", context)

    async def download(self, request: Request) -> Response:
        job = self.board.get(request.path_params["job_id"])
        name = request.path_params["name"]
        if job is None or job.state != "done" or name not in DOWNLOADS:
            return PlainTextResponse("ไม่พบไฟล์ / not found", status_code=404)
        path = self.board.out_dir(job.id) / name
        if not path.is_file():
            return PlainTextResponse("ไม่พบไฟล์ / not found", status_code=404)
        return FileResponse(path, filename=name, content_disposition_type="attachment")

    # --- who is signed in (the console is web/console.py) ---------------------------------------------

    def user(self, request: Request) -> User | None:
        name = request.session.get("user") if "session" in request.scope else None
        return self.accounts.get(str(name)) if name else None

    async def health(self, request: Request) -> Response:
        return PlainTextResponse("ok")


def create_app(config: WebConfig | None = None) -> Starlette:
    """The ASGI application of ``ita-checker serve``."""
    service = Service(config or WebConfig())
    console = Console(service)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if service.config.stop_checks_on_shutdown:
            STOP.set()  # running checks stop at their next checkpoint; the store keeps what they fetched
        service.board.close()
        service.history.close()

    app = Starlette(
        routes=[
            Route("/", service.home, methods=["GET"]),
            Route("/check", service.create, methods=["POST"]),
            Route("/check/{job_id}", service.job, methods=["GET"]),
            Route("/check/{job_id}/files/{name}", service.download, methods=["GET"]),
            Route("/login", console.login_form, methods=["GET"]),
            Route("/login", console.login, methods=["POST"]),
            Route("/logout", console.logout, methods=["POST"]),
            Route("/review/", console.dashboard, methods=["GET"]),
            Route("/review/agency/{agency_id}", console.agency, methods=["GET"]),
            Route("/review/agency/{agency_id}/override", console.set_override, methods=["POST"]),
            Route("/review/agency/{agency_id}/recheck", console.recheck, methods=["POST"]),
            Route("/review/overrides.yaml", console.export_overrides, methods=["GET"]),
            Route("/review/registry", console.registry, methods=["GET"]),
            Route("/review/registry", console.upload_registry, methods=["POST"]),
            Route("/review/registry/file", console.download_registry, methods=["GET"]),
            Route("/review/scan", console.start_scan, methods=["POST"]),
            Route("/healthz", service.health, methods=["GET"]),
            Mount("/static/report", StaticFiles(directory=str(REPORT_STATIC)), name="report-static"),
            Mount("/static/web", StaticFiles(directory=str(WEB_DIR / "static")), name="web-static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=service.session_key,
                session_cookie="ita_session",
                max_age=12 * 3600,
                same_site="strict",
                https_only=service.config.secure_cookies,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.service = service
    return app
