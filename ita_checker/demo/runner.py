"""The bundled demo: serve the demo agency sites on 127.0.0.1, check each, compare with the planted answers."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ita_checker.check import CheckOptions, CheckRun, run_check
from ita_checker.demo.server import RunningSite, SiteConfig, serve

DEMO_TIMEOUT_S = 4.0  # the demo's hanging page should not keep a newcomer waiting


@dataclass
class DemoSite:
    """One bundled demo site and its ground truth."""

    slug: str
    root: Path
    name: str
    agency_type: str
    year: int
    send_charset: bool
    routes: dict[str, dict[str, Any]]
    expected: dict[str, str] = field(default_factory=dict)

    def config(self) -> SiteConfig:
        return SiteConfig(root=self.root / "www", send_charset=self.send_charset, routes=self.routes)


def demo_sites_dir() -> Path:
    return Path(str(resources.files("ita_checker.demo").joinpath("sites")))


def load_demo_sites(root: Path | None = None) -> list[DemoSite]:
    root = root or demo_sites_dir()
    sites = []
    for f in sorted(root.glob("*/site.yaml")):
        d = yaml.safe_load(f.read_text(encoding="utf-8"))
        expected = {
            str(k): str(v["verdict"] if isinstance(v, dict) else v) for k, v in (d.get("expected") or {}).items()
        }
        sites.append(
            DemoSite(
                slug=f.parent.name,
                root=f.parent,
                name=str(d["name"]),
                agency_type=str(d["agency_type"]),
                year=int(d["year"]),
                send_charset=bool(d.get("send_charset", True)),
                routes={str(k): dict(v) for k, v in (d.get("routes") or {}).items()},
                expected=expected,
            )
        )
    return sites


def write_submissions(src: Path, base_url: str, dest: Path) -> Path:
    """A submission form template with ``{site}`` placeholders, filled with the served site's base URL."""
    dest.write_text(src.read_text(encoding="utf-8-sig").replace("{site}", base_url), encoding="utf-8-sig")
    return dest


def submissions_for(site: DemoSite, base_url: str, workdir: Path) -> Path | None:
    src = site.root / "submissions.csv"
    if not src.exists():
        return None
    return write_submissions(src, base_url, workdir / f"{site.slug}-submissions.csv")


@dataclass
class DemoOutcome:
    site: DemoSite
    run: CheckRun
    base_url: str

    def agreement(self) -> tuple[int, int]:
        got = {it["code"]: it["verdict"] for it in self.run.result["items"]}
        shared = [c for c in self.site.expected if c in got]
        return sum(1 for c in shared if got[c] == self.site.expected[c]), len(shared)


def run_demo(
    *, out_root: Path, store_dir: Path, sites: list[DemoSite] | None = None, on_progress: Any = None
) -> list[DemoOutcome]:
    """Serve every demo site on its own 127.0.0.1 port and check it; only those ports are allowed
    through the SSRF guard."""
    sites = sites if sites is not None else load_demo_sites()
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="ita-demo-") as tmp:
        for site in sites:
            running: RunningSite = serve(site.config())
            try:
                base = running.base_url
                if on_progress:
                    on_progress(site, base)
                opts = CheckOptions(
                    site=base + "/",
                    year=site.year,
                    agency_type=site.agency_type,
                    submissions=submissions_for(site, base, Path(tmp)),
                    name=site.name,
                    out_dir=out_root / site.slug,
                    allowed_hosts=[base.removeprefix("http://")],
                    store_dir=store_dir,
                    timeout_s=DEMO_TIMEOUT_S,
                )
                outcomes.append(DemoOutcome(site=site, run=run_check(opts), base_url=base))
            finally:
                running.stop()
    return outcomes
