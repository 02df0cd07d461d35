"""The web service (``ita-checker serve``): the self-check page, its job pages and downloads, on Starlette."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse
from zoneinfo import ZoneInfo

import yaml
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
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
from ita_checker.inputs.overrides import Override, apply_overrides, evidence_hash
from ita_checker.inputs.submissions import Submission, SubmissionForm, read_submissions
from ita_checker.interrupts import STOP
from ita_checker.models import AGENCY_TYPE_TH, VERDICT_ORDER, VERDICT_TH, AgencyType
from ita_checker.options import CrawlSettings
from ita_checker.report.html import STATIC_DIR as REPORT_STATIC
from ita_checker.report.html import TEMPLATES_DIR as REPORT_TEMPLATES
from ita_checker.report.html import build_embedded_report
from ita_checker.report.view import build_agency_report
from ita_checker.rules.loader import find_ruleset, get_ruleset, list_rulesets
from ita_checker.store.history import History
from ita_checker.text.thaidate import fiscal_year_of
from ita_checker.web.accounts import Accounts, User
from ita_checker.web.jobs import DOWNLOADS, JobBoard
from ita_checker.web.protect import CSRF_COOKIE, CSRF_FIELD, SECURITY_HEADERS, Csrf, RateLimits, load_secret
from ita_checker.web.scans import MAX_REGISTRY_BYTES, ScanBoard

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # a submission form is a few KB; a bigger upload is refused unread
FORM_SUFFIXES = (".xlsx", ".csv")
BANGKOK = ZoneInfo("Asia/Bangkok")
STATUS_TH = {"done": "ตรวจแล้ว", "unreachable": "ตรวจไม่ได้", "input_error": "ข้อมูลนำเข้าผิด", "error": "ผิดพลาดภายใน"}


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


def current_fiscal_year() -> int:
    return fiscal_year_of(datetime.now(BANGKOK).date())


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
        fy = current_fiscal_year()
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

    # --- reviewer console --------------------------------------------------------------------------------

    def user(self, request: Request) -> User | None:
        name = request.session.get("user") if "session" in request.scope else None
        return self.accounts.get(str(name)) if name else None

    async def login_form(self, request: Request) -> Response:
        nxt = request.query_params.get("next", "/review/")
        return self._page(request, "login.html.j2", {"error": "", "next": _safe_next(nxt), "name": ""})

    async def login(self, request: Request) -> Response:
        async with request.form(max_files=0, max_fields=6) as data:
            fields = {k: str(data.get(k) or "") for k in ("name", "password", "next", CSRF_FIELD)}
        nxt = _safe_next(fields["next"])
        if not self.csrf.valid(request.cookies.get(CSRF_COOKIE), fields[CSRF_FIELD]):
            return self._page(request, "login.html.j2", {"error": "แบบฟอร์มหมดอายุ กรุณาลองใหม่ / invalid form (CSRF)",
                                                         "next": nxt, "name": fields["name"]}, 403)  # fmt: skip
        client = request.client.host if request.client else "unknown"
        refusal = self.login_limit.hit(client=client, site_host="login")
        if refusal is not None:
            return self._page(request, "login.html.j2", {"error": refusal.message, "next": nxt, "name": ""}, 429)
        user = await run_in_threadpool(self.accounts.verify, fields["name"], fields["password"])
        if user is None:
            return self._page(request, "login.html.j2", {"error": "ชื่อบัญชีหรือรหัสผ่านไม่ถูกต้อง / wrong name or password",
                                                         "next": nxt, "name": fields["name"]}, 401)  # fmt: skip
        request.session.clear()
        request.session["user"] = user.name
        return RedirectResponse(nxt, status_code=303)

    async def logout(self, request: Request) -> Response:
        async with request.form(max_files=0, max_fields=2) as data:
            token = str(data.get(CSRF_FIELD) or "")
        if self.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
            request.session.clear()
        return RedirectResponse("/login", status_code=303)

    def _latest_scan(self) -> Any:
        runs = self.history.runs()
        return runs[-1] if runs else None

    def _agency_row(self, run: Any, agency_id: str) -> dict[str, Any] | None:
        if run is None:
            return None
        return next((a for a in self.history.agencies(run.scan_id) if a["agency_id"] == agency_id), None)

    def _signed_in(self, request: Request) -> User | Response:
        """The signed-in user, or the redirect to /login."""
        user = self.user(request)
        if user is None:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return user

    async def dashboard(self, request: Request) -> Response:
        user = self._signed_in(request)
        if isinstance(user, Response):
            return user
        if user.role == "agency":
            return RedirectResponse(f"/review/agency/{quote(user.agency_id or '')}", status_code=303)
        run = self._latest_scan()
        rows = [] if run is None else [
            a for a in self.history.agencies(run.scan_id) if user.may_see(a["agency_id"], a["province"])
        ]  # fmt: skip
        rows = self._with_overrides(run, rows) if run is not None else rows
        scored = [a["score"] for a in rows if a["score"] is not None]
        context = {
            "run": run,
            "rows": rows,
            "mean": sum(scored) / len(scored) if scored else None,
            "status_th": STATUS_TH,
            "scan": self.scans.status,
        }
        return self._page(request, "review_dashboard.html.j2", context)

    def _agency_overrides(self, year: int, agency_id: str) -> dict[str, tuple[Override, str | None]]:
        return {ov.code: (ov, base) for ov, base in self.history.overrides(year) if ov.agency_id == agency_id}

    def _with_overrides(self, run: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The dashboard rows with each agency's score as it stands with today's reviewer verdicts."""
        by_agency: dict[str, dict[str, Override]] = {}
        for ov, _ in self.history.overrides(run.year):
            by_agency.setdefault(ov.agency_id, {})[ov.code] = ov
        if not any(a["agency_id"] in by_agency for a in rows):
            return rows
        results = self.history.results(run.scan_id)
        out = []
        for a in rows:
            result = results.get(a["agency_id"], ("", "", None))[2]
            if a["agency_id"] in by_agency and result is not None:
                apply_overrides(result, by_agency[a["agency_id"]])
                a = {**a, "score": result["summary"].get("score"), "at_risk": result["summary"].get("at_risk"),
                     "overridden": len(by_agency[a["agency_id"]])}  # fmt: skip
            out.append(a)
        return out

    async def agency(self, request: Request) -> Response:
        user = self._signed_in(request)
        if isinstance(user, Response):
            return user
        agency_id = request.path_params["agency_id"]
        run = self._latest_scan()
        row = self._agency_row(run, agency_id)
        if row is None:
            status = 403 if user.role == "agency" and agency_id != user.agency_id else 404
            return self._page(request, "forbidden.html.j2" if status == 403 else "not_found.html.j2", {}, status)
        if not user.may_see(agency_id, row["province"]):
            return self._page(request, "forbidden.html.j2", {}, 403)
        _, error, result = self.history.results(run.scan_id).get(agency_id, ("", "", None))
        overrides = self._agency_overrides(run.year, agency_id)
        changed: list[str] = []
        if result is not None:
            hashes = {str(it["code"]): evidence_hash(it) for it in result["items"]}
            changed = [c for c, (_, base) in overrides.items() if base is not None and hashes.get(c) != base]
            apply_overrides(result, {c: ov for c, (ov, _) in overrides.items()})
        report = build_agency_report(result) if result is not None else None
        items = [] if result is None else [
            {"code": it["code"], "title": it["title"], "verdict": it["verdict"],
             "tool": it.get("tool_verdict") or it["verdict"], "override": it.get("override")}
            for it in result["items"]
        ]  # fmt: skip
        prev = self.history.previous(run.scan_id)
        changes = [] if prev is None else [
            c for c in self.history.diff(prev.scan_id, run.scan_id).flagged if c.agency_id == agency_id
        ]  # fmt: skip
        context = {
            "run": run, "row": row, "report": report, "error": error, "changes": changes,
            "trend": self.history.trend(run.scan_id, agency_id), "previous": prev, "items": items,
            "changed": changed, "verdicts": [(v, VERDICT_TH[v]) for v in VERDICT_ORDER], "verdict_th": VERDICT_TH,
            "saved": request.query_params.get("saved", ""),
        }  # fmt: skip
        return self._page(request, "review_agency.html.j2", context)

    async def set_override(self, request: Request) -> Response:
        """A reviewer's verdict for one item (reason required); an empty verdict removes the override."""
        user = self._signed_in(request)
        if isinstance(user, Response):
            return user
        agency_id = request.path_params["agency_id"]
        async with request.form(max_files=0, max_fields=6) as data:
            fields = {k: str(data.get(k) or "").strip() for k in ("code", "verdict", "reason", CSRF_FIELD)}
        run = self._latest_scan()
        row = self._agency_row(run, agency_id)
        if user.role != "reviewer" or row is None or not user.may_see(agency_id, row["province"]):
            return self._page(request, "forbidden.html.j2", {}, 403)
        if not self.csrf.valid(request.cookies.get(CSRF_COOKIE), fields[CSRF_FIELD]):
            return PlainTextResponse("แบบฟอร์มหมดอายุ กรุณาโหลดหน้าใหม่ / invalid form (CSRF)", status_code=403)
        result = self.history.results(run.scan_id).get(agency_id, ("", "", None))[2]
        item = next((it for it in (result or {}).get("items", []) if it["code"] == fields["code"]), None)
        if item is None:
            return PlainTextResponse(f"ไม่มีข้อ {fields['code']} ในผลของหน่วยงานนี้ / unknown item", status_code=400)
        target = f"/review/agency/{quote(agency_id)}"
        if not fields["verdict"]:
            self.history.drop_override(run.year, agency_id, fields["code"])
            return RedirectResponse(f"{target}?saved={quote(fields['code'])}#item-{fields['code']}", status_code=303)
        if fields["verdict"] not in VERDICT_TH or not fields["reason"]:
            return PlainTextResponse(
                "ต้องเลือกผลและกรอกเหตุผลทุกครั้งที่กำหนดผลเอง / a verdict and a reason are required", status_code=400
            )
        ov = Override(agency_id, fields["code"], fields["verdict"], fields["reason"][:500], user.name,
                      datetime.now(BANGKOK).date().isoformat())  # fmt: skip
        self.history.put_override(run.year, ov, evidence_hash(item))
        log.info("override %s %s -> %s by %s", agency_id, fields["code"], fields["verdict"], user.name)
        return RedirectResponse(f"{target}?saved={quote(fields['code'])}#item-{fields['code']}", status_code=303)

    async def recheck(self, request: Request) -> Response:
        """Check one agency again now, with the URLs it submitted for the scan (a self-check job of the service)."""
        user = self._signed_in(request)
        if isinstance(user, Response):
            return user
        agency_id = request.path_params["agency_id"]
        async with request.form(max_files=0, max_fields=2) as data:
            token = str(data.get(CSRF_FIELD) or "")
        run = self._latest_scan()
        row = self._agency_row(run, agency_id)
        if row is None or not user.may_see(agency_id, row["province"]):
            return self._page(request, "forbidden.html.j2", {}, 403)
        if not self.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
            return PlainTextResponse("แบบฟอร์มหมดอายุ กรุณาโหลดหน้าใหม่ / invalid form (CSRF)", status_code=403)
        result = self.history.results(run.scan_id).get(agency_id, ("", "", None))[2]
        form = submitted_form(result, agency_id) if result is not None else None
        job = self.board.submit(
            site=row["site"], year=run.year, agency_type=row["agency_type"], form=form, name=row["name"]
        )  # fmt: skip
        log.info("re-check of %s by %s: job %s", agency_id, user.name, job.id)
        return RedirectResponse(f"/check/{job.id}", status_code=303)

    def _reviewer(self, request: Request) -> User | Response:
        user = self._signed_in(request)
        if isinstance(user, Response) or user.role == "reviewer":
            return user
        return self._page(request, "forbidden.html.j2", {}, 403)

    def _registry_page(self, request: Request, *, error: str = "", note: str = "", status: int = 200) -> Response:
        try:
            reg = self.scans.registry()
        except InputError as exc:
            reg, error = None, error or str(exc)
        fy = current_fiscal_year()
        context = {"reg": reg, "error": error, "note": note, "scan": self.scans.status,
                   "default_year": fy if fy in self.years else self.years[0]}  # fmt: skip
        return self._page(request, "review_registry.html.j2", context, status)

    async def registry(self, request: Request) -> Response:
        user = self._reviewer(request)
        return user if isinstance(user, Response) else self._registry_page(request)

    async def upload_registry(self, request: Request) -> Response:
        user = self._reviewer(request)
        if isinstance(user, Response):
            return user
        async with request.form(max_files=1, max_fields=3, max_part_size=MAX_REGISTRY_BYTES) as data:
            token = str(data.get(CSRF_FIELD) or "")
            upload = data.get("registry")
            if not self.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
                return self._registry_page(request, error="แบบฟอร์มหมดอายุ กรุณาลองใหม่ / invalid form (CSRF)", status=403)
            if not isinstance(upload, UploadFile) or not upload.filename:
                return self._registry_page(request, error="เลือกไฟล์ทะเบียน (.xlsx หรือ .csv) / choose a file", status=400)
            body = await upload.read(MAX_REGISTRY_BYTES + 1)
            try:
                reg = self.scans.save_registry(upload.filename, body)
            except InputError as exc:
                return self._registry_page(request, error=str(exc), status=400)
        log.info("registry uploaded by %s: %d agencies", user.name, len(reg.agencies))
        return self._registry_page(request, note=f"บันทึกทะเบียนแล้ว: {len(reg.agencies)} หน่วยงาน")

    async def download_registry(self, request: Request) -> Response:
        user = self._reviewer(request)
        if isinstance(user, Response):
            return user
        path = self.scans.registry_path()
        if path is None:
            return PlainTextResponse("ยังไม่มีทะเบียน / no registry yet", status_code=404)
        return FileResponse(path, filename=path.name, content_disposition_type="attachment")

    async def start_scan(self, request: Request) -> Response:
        user = self._reviewer(request)
        if isinstance(user, Response):
            return user
        async with request.form(max_files=0, max_fields=3) as data:
            token, year = str(data.get(CSRF_FIELD) or ""), str(data.get("year") or "")
        if not self.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
            return self._registry_page(request, error="แบบฟอร์มหมดอายุ กรุณาลองใหม่ / invalid form (CSRF)", status=403)
        if not year.isdigit() or int(year) not in self.years:
            return self._registry_page(request, error=f"ปีงบประมาณ '{year}' ไม่มีเกณฑ์ให้ตรวจ / unknown year", status=400)
        try:
            self.scans.start(int(year))
        except InputError as exc:
            return self._registry_page(request, error=str(exc), status=409)
        log.info("province scan %s started by %s", year, user.name)
        return RedirectResponse("/review/registry", status_code=303)

    async def export_overrides(self, request: Request) -> Response:
        """Every reviewer verdict of the latest scan's year as the YAML that ``scan --overrides`` reads."""
        user = self._signed_in(request)
        if isinstance(user, Response):
            return user
        run = self._latest_scan()
        if user.role != "reviewer" or run is None:
            return self._page(request, "forbidden.html.j2", {}, 403)
        provinces = {a["agency_id"]: a["province"] for a in self.history.agencies(run.scan_id)}
        entries = [
            {"agency": ov.agency_id, "item": ov.code, "verdict": ov.verdict, "reason": ov.reason,
             "reviewer": ov.reviewer, "date": ov.date}
            for ov, _ in self.history.overrides(run.year)
            if user.may_see(ov.agency_id, provinces.get(ov.agency_id, ""))
        ]  # fmt: skip
        body = yaml.safe_dump({"overrides": entries}, allow_unicode=True, sort_keys=False)
        headers = {"Content-Disposition": f'attachment; filename="overrides-{run.year}.yaml"'}
        return Response(body, media_type="application/yaml; charset=utf-8", headers=headers)

    async def health(self, request: Request) -> Response:
        return PlainTextResponse("ok")


def submitted_form(result: dict[str, Any], agency_id: str) -> SubmissionForm | None:
    """The submission form an agency's result was checked with (its items' submitted URLs), or None (self-check)."""
    form = SubmissionForm(path=Path(f"{agency_id}-submitted.csv"))
    for row, item in enumerate(result.get("items", []), start=2):
        urls = tuple(str(u) for u in item.get("urls") or ())
        if urls:
            form.items[str(item["code"])] = Submission(str(item["code"]), str(item.get("title", "")), urls, "", row)
    return form if form.items else None


def _safe_next(path: str) -> str:
    """Only a path of this service (never another site) after signing in."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/review/"


def create_app(config: WebConfig | None = None) -> Starlette:
    """The ASGI application of ``ita-checker serve``."""
    service = Service(config or WebConfig())

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
            Route("/login", service.login_form, methods=["GET"]),
            Route("/login", service.login, methods=["POST"]),
            Route("/logout", service.logout, methods=["POST"]),
            Route("/review/", service.dashboard, methods=["GET"]),
            Route("/review/agency/{agency_id}", service.agency, methods=["GET"]),
            Route("/review/agency/{agency_id}/override", service.set_override, methods=["POST"]),
            Route("/review/agency/{agency_id}/recheck", service.recheck, methods=["POST"]),
            Route("/review/overrides.yaml", service.export_overrides, methods=["GET"]),
            Route("/review/registry", service.registry, methods=["GET"]),
            Route("/review/registry", service.upload_registry, methods=["POST"]),
            Route("/review/registry/file", service.download_registry, methods=["GET"]),
            Route("/review/scan", service.start_scan, methods=["POST"]),
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
