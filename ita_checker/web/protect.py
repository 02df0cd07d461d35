"""What the web service guards with: CSRF tokens, rate limits per client and per site, response headers."""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

CSRF_COOKIE = "ita_csrf"
CSRF_FIELD = "csrf"
CSRF_MAX_AGE_S = 12 * 3600
# Nothing loads from elsewhere; no script at all; forms post only here; no framing.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def load_secret(path: Path) -> bytes:
    """The service's signing key: read from ``path``, or made once and kept there (owner-only)."""
    try:
        data = path.read_bytes().strip()
        if len(data) >= 32:
            return data
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    path.touch(mode=0o600, exist_ok=True)
    path.write_bytes(key)
    return key


class Csrf:
    """Double-submit tokens: a random value in an HttpOnly, SameSite=Strict cookie and the same value, signed
    with the service key, in each form; a post is accepted only when both are there and agree."""

    def __init__(self, secret: bytes) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="ita-checker-csrf")

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(24)

    def field_for(self, cookie: str) -> str:
        return self._signer.dumps(cookie)

    def valid(self, cookie: str | None, field: str | None) -> bool:
        if not cookie or not field:
            return False
        try:
            value = self._signer.loads(field, max_age=CSRF_MAX_AGE_S)
        except BadSignature:
            return False
        return isinstance(value, str) and hmac.compare_digest(value, cookie)


@dataclass(frozen=True)
class Refusal:
    """Why a request was limited, in Thai first, and when the visitor may try again."""

    message: str
    retry_after_s: int


class RateLimits:
    """At most ``per_client`` self-checks from one client address and ``per_site`` of one site host in a moving
    window (strings like ``"6/hour"``, parsed by the ``limits`` library); kept in this process's memory."""

    def __init__(self, *, per_client: str = "6/hour", per_site: str = "3/hour") -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self.per_client: RateLimitItem = parse(per_client)
        self.per_site: RateLimitItem = parse(per_site)

    def _retry_after(self, item: RateLimitItem, *key: str) -> int:
        stats = self._limiter.get_window_stats(item, *key)
        return max(1, int(stats.reset_time - time.time()))

    def hit(self, *, client: str, site_host: str) -> Refusal | None:
        """Count one self-check; a Refusal when the client or the site is over its limit (nothing counted)."""
        if not self._limiter.test(self.per_client, "client", client):
            return Refusal(
                f"ส่งตรวจจากเครื่องนี้บ่อยเกินไป (ไม่เกิน {self.per_client}) กรุณารอสักครู่แล้วลองใหม่ "
                f"/ too many checks from this address",
                self._retry_after(self.per_client, "client", client),
            )
        if not self._limiter.test(self.per_site, "site", site_host):
            return Refusal(
                f"เว็บไซต์ {site_host} ถูกส่งตรวจบ่อยเกินไป (ไม่เกิน {self.per_site}) เพื่อไม่ให้รบกวนเว็บไซต์ของหน่วยงาน "
                f"กรุณารอแล้วลองใหม่ / this site was checked too often",
                self._retry_after(self.per_site, "site", site_host),
            )
        self._limiter.hit(self.per_client, "client", client)
        self._limiter.hit(self.per_site, "site", site_host)
        return None
