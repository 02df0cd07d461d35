"""The reviewer console (``/login``, ``/review/…``): sign-in, the province dashboard, agency pages, overrides,
re-checks, the registry and console-started scans."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

import yaml
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response

from ita_checker.errors import InputError
from ita_checker.inputs.overrides import Override, apply_overrides, evidence_hash
from ita_checker.inputs.submissions import Submission, SubmissionForm
from ita_checker.models import VERDICT_ORDER, VERDICT_TH
from ita_checker.report.view import build_agency_report
from ita_checker.text import clock
from ita_checker.web.accounts import User
from ita_checker.web.protect import CSRF_COOKIE, CSRF_FIELD
from ita_checker.web.scans import MAX_REGISTRY_BYTES

if TYPE_CHECKING:
    from ita_checker.store.history import History
    from ita_checker.web.accounts import Accounts
    from ita_checker.web.jobs import JobBoard
    from ita_checker.web.protect import Csrf, RateLimits
    from ita_checker.web.scans import ScanBoard


class Service(Protocol):
    """What the console uses of the service (web/app.Service)."""

    history: History
    accounts: Accounts
    csrf: Csrf
    board: JobBoard
    scans: ScanBoard
    years: list[int]
    login_limit: RateLimits

    def user(self, request: Request) -> User | None: ...

    def _page(self, request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response: ...


log = logging.getLogger(__name__)

STATUS_TH = {"done": "ตรวจแล้ว", "unreachable": "ตรวจไม่ได้", "input_error": "ข้อมูลนำเข้าผิด", "error": "ผิดพลาดภายใน"}


class Console:
    """The console's routes, on the service's history, accounts, job board and templates."""

    def __init__(self, svc: Service) -> None:
        self.svc = svc

    async def login_form(self, request: Request) -> Response:
        nxt = request.query_params.get("next", "/review/")
        return self.svc._page(request, "login.html.j2", {"error": "", "next": _safe_next(nxt), "name": ""})

    async def login(self, request: Request) -> Response:
        async with request.form(max_files=0, max_fields=6) as data:
            fields = {k: str(data.get(k) or "") for k in ("name", "password", "next", CSRF_FIELD)}
        nxt = _safe_next(fields["next"])
        if not self.svc.csrf.valid(request.cookies.get(CSRF_COOKIE), fields[CSRF_FIELD]):
            return self.svc._page(request, "login.html.j2", {"error": "แบบฟอร์มหมดอายุ กรุณาลองใหม่ / invalid form (CSRF)",
                                                         "next": nxt, "name": fields["name"]}, 403)  # fmt: skip
        client = request.client.host if request.client else "unknown"
        refusal = self.svc.login_limit.hit(client=client, site_host="login")
        if refusal is not None:
            return self.svc._page(request, "login.html.j2", {"error": refusal.message, "next": nxt, "name": ""}, 429)
        user = await run_in_threadpool(self.svc.accounts.verify, fields["name"], fields["password"])
        if user is None:
            return self.svc._page(request, "login.html.j2", {"error": "ชื่อบัญชีหรือรหัสผ่านไม่ถูกต้อง / wrong name or password",
                                                         "next": nxt, "name": fields["name"]}, 401)  # fmt: skip
        request.session.clear()
        request.session["user"] = user.name
        return RedirectResponse(nxt, status_code=303)

    async def logout(self, request: Request) -> Response:
        async with request.form(max_files=0, max_fields=2) as data:
            token = str(data.get(CSRF_FIELD) or "")
        if self.svc.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
            request.session.clear()
        return RedirectResponse("/login", status_code=303)

    def _latest_scan(self) -> Any:
        runs = self.svc.history.runs()
        return runs[-1] if runs else None

    def _agency_row(self, run: Any, agency_id: str) -> dict[str, Any] | None:
        if run is None:
            return None
        return next((a for a in self.svc.history.agencies(run.scan_id) if a["agency_id"] == agency_id), None)

    def _signed_in(self, request: Request) -> User | Response:
        """The signed-in user, or the redirect to /login."""
        user = self.svc.user(request)
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
            a for a in self.svc.history.agencies(run.scan_id) if user.may_see(a["agency_id"], a["province"])
        ]  # fmt: skip
        rows = self._with_overrides(run, rows) if run is not None else rows
        scored = [a["score"] for a in rows if a["score"] is not None]
        context = {
            "run": run,
            "rows": rows,
            "mean": sum(scored) / len(scored) if scored else None,
            "status_th": STATUS_TH,
            "scan": self.svc.scans.status,
        }
        return self.svc._page(request, "review_dashboard.html.j2", context)

    def _agency_overrides(self, year: int, agency_id: str) -> dict[str, tuple[Override, str | None]]:
        return {ov.code: (ov, base) for ov, base in self.svc.history.overrides(year) if ov.agency_id == agency_id}

    def _with_overrides(self, run: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The dashboard rows with each agency's score as it stands with today's reviewer verdicts."""
        by_agency: dict[str, dict[str, Override]] = {}
        for ov, _ in self.svc.history.overrides(run.year):
            by_agency.setdefault(ov.agency_id, {})[ov.code] = ov
        if not any(a["agency_id"] in by_agency for a in rows):
            return rows
        results = self.svc.history.results(run.scan_id)
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
            return self.svc._page(request, "forbidden.html.j2" if status == 403 else "not_found.html.j2", {}, status)
        if not user.may_see(agency_id, row["province"]):
            return self.svc._page(request, "forbidden.html.j2", {}, 403)
        _, error, result = self.svc.history.results(run.scan_id).get(agency_id, ("", "", None))
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
        prev = self.svc.history.previous(run.scan_id)
        changes = [] if prev is None else [
            c for c in self.svc.history.diff(prev.scan_id, run.scan_id).flagged if c.agency_id == agency_id
        ]  # fmt: skip
        trend = self.svc.history.trend(run.scan_id, agency_id)
        context = {
            "run": run, "row": row, "report": report, "error": error, "changes": changes,
            "trend": trend, "chart": trend_points(trend), "previous": prev, "items": items,
            "changed": changed, "verdicts": [(v, VERDICT_TH[v]) for v in VERDICT_ORDER], "verdict_th": VERDICT_TH,
            "saved": request.query_params.get("saved", ""),
        }  # fmt: skip
        return self.svc._page(request, "review_agency.html.j2", context)

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
            return self.svc._page(request, "forbidden.html.j2", {}, 403)
        if not self.svc.csrf.valid(request.cookies.get(CSRF_COOKIE), fields[CSRF_FIELD]):
            return PlainTextResponse("แบบฟอร์มหมดอายุ กรุณาโหลดหน้าใหม่ / invalid form (CSRF)", status_code=403)
        result = self.svc.history.results(run.scan_id).get(agency_id, ("", "", None))[2]
        item = next((it for it in (result or {}).get("items", []) if it["code"] == fields["code"]), None)
        if item is None:
            return PlainTextResponse(f"ไม่มีข้อ {fields['code']} ในผลของหน่วยงานนี้ / unknown item", status_code=400)
        target = f"/review/agency/{quote(agency_id)}"
        if not fields["verdict"]:
            self.svc.history.drop_override(run.year, agency_id, fields["code"])
            return RedirectResponse(f"{target}?saved={quote(fields['code'])}#item-{fields['code']}", status_code=303)
        if fields["verdict"] not in VERDICT_TH or not fields["reason"]:
            return PlainTextResponse(
                "ต้องเลือกผลและกรอกเหตุผลทุกครั้งที่กำหนดผลเอง / a verdict and a reason are required", status_code=400
            )
        ov = Override(agency_id, fields["code"], fields["verdict"], fields["reason"][:500], user.name,
                      clock.now().date().isoformat())  # fmt: skip
        self.svc.history.put_override(run.year, ov, evidence_hash(item))
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
            return self.svc._page(request, "forbidden.html.j2", {}, 403)
        if not self.svc.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
            return PlainTextResponse("แบบฟอร์มหมดอายุ กรุณาโหลดหน้าใหม่ / invalid form (CSRF)", status_code=403)
        result = self.svc.history.results(run.scan_id).get(agency_id, ("", "", None))[2]
        form = submitted_form(result, agency_id) if result is not None else None
        job = self.svc.board.submit(
            site=row["site"], year=run.year, agency_type=row["agency_type"], form=form, name=row["name"]
        )  # fmt: skip
        log.info("re-check of %s by %s: job %s", agency_id, user.name, job.id)
        return RedirectResponse(f"/check/{job.id}", status_code=303)

    def _reviewer(self, request: Request) -> User | Response:
        user = self._signed_in(request)
        if isinstance(user, Response) or user.role == "reviewer":
            return user
        return self.svc._page(request, "forbidden.html.j2", {}, 403)

    def _registry_page(self, request: Request, *, error: str = "", note: str = "", status: int = 200) -> Response:
        try:
            reg = self.svc.scans.registry()
        except InputError as exc:
            reg, error = None, error or str(exc)
        fy = clock.current_fiscal_year()
        context = {"reg": reg, "error": error, "note": note, "scan": self.svc.scans.status,
                   "default_year": fy if fy in self.svc.years else self.svc.years[0]}  # fmt: skip
        return self.svc._page(request, "review_registry.html.j2", context, status)

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
            if not self.svc.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
                return self._registry_page(request, error="แบบฟอร์มหมดอายุ กรุณาลองใหม่ / invalid form (CSRF)", status=403)
            if not isinstance(upload, UploadFile) or not upload.filename:
                return self._registry_page(request, error="เลือกไฟล์ทะเบียน (.xlsx หรือ .csv) / choose a file", status=400)
            body = await upload.read(MAX_REGISTRY_BYTES + 1)
            try:
                reg = self.svc.scans.save_registry(upload.filename, body)
            except InputError as exc:
                return self._registry_page(request, error=str(exc), status=400)
        log.info("registry uploaded by %s: %d agencies", user.name, len(reg.agencies))
        return self._registry_page(request, note=f"บันทึกทะเบียนแล้ว: {len(reg.agencies)} หน่วยงาน")

    async def download_registry(self, request: Request) -> Response:
        user = self._reviewer(request)
        if isinstance(user, Response):
            return user
        path = self.svc.scans.registry_path()
        if path is None:
            return PlainTextResponse("ยังไม่มีทะเบียน / no registry yet", status_code=404)
        return FileResponse(path, filename=path.name, content_disposition_type="attachment")

    async def start_scan(self, request: Request) -> Response:
        user = self._reviewer(request)
        if isinstance(user, Response):
            return user
        async with request.form(max_files=0, max_fields=3) as data:
            token, year = str(data.get(CSRF_FIELD) or ""), str(data.get("year") or "")
        if not self.svc.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
            return self._registry_page(request, error="แบบฟอร์มหมดอายุ กรุณาลองใหม่ / invalid form (CSRF)", status=403)
        if not year.isdigit() or int(year) not in self.svc.years:
            return self._registry_page(request, error=f"ปีงบประมาณ '{year}' ไม่มีเกณฑ์ให้ตรวจ / unknown year", status=400)
        try:
            self.svc.scans.start(int(year))
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
            return self.svc._page(request, "forbidden.html.j2", {}, 403)
        provinces = {a["agency_id"]: a["province"] for a in self.svc.history.agencies(run.scan_id)}
        entries = [
            {"agency": ov.agency_id, "item": ov.code, "verdict": ov.verdict, "reason": ov.reason,
             "reviewer": ov.reviewer, "date": ov.date}
            for ov, _ in self.svc.history.overrides(run.year)
            if user.may_see(ov.agency_id, provinces.get(ov.agency_id, ""))
        ]  # fmt: skip
        body = yaml.safe_dump({"overrides": entries}, allow_unicode=True, sort_keys=False)
        headers = {"Content-Disposition": f'attachment; filename="overrides-{run.year}.yaml"'}
        return Response(body, media_type="application/yaml; charset=utf-8", headers=headers)


def trend_points(trend: list[tuple[str, float]], width: int = 320, height: int = 80) -> str:
    """The SVG polyline points of an agency's scores (0–100) over its scans, oldest left."""
    if not trend:
        return ""
    step = width / max(1, len(trend) - 1)
    return " ".join(f"{i * step:.1f},{height - score / 100 * height:.1f}" for i, (_, score) in enumerate(trend))


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
