"""Generated benchmark sites (Thai pages, menus, documents) and an nginx or Python server to serve them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ita_checker.demo.server import SiteConfig, serve

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "tests" / "sites" / "crawl" / "www" / "files"
PARA = (
    "องค์การบริหารส่วนตำบลตัวอย่างดำเนินงานตามอำนาจหน้าที่ เพื่อพัฒนาคุณภาพชีวิตของประชาชน "
    "ประจำปีงบประมาณ พ.ศ. 2569 โดยยึดหลักธรรมาภิบาล ความโปร่งใส และการมีส่วนร่วมของประชาชน "
)


def _page(title: str, body: str, links: list[tuple[str, str]]) -> str:
    menu = " ".join(f'<a href="{h}">{t}</a>' for h, t in links)
    return (
        f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<nav class="menu">{menu}</nav><main><h1>{title}</h1><p>{body}</p></main>'
        "<footer>อบต.ตัวอย่าง อำเภอเมือง จังหวัดตัวอย่าง 10000</footer></body></html>"
    )


def make_tree_site(root: Path, *, sections: int, per_section: int, documents: int = 0, js_pages: int = 0) -> int:
    """Home → sections → pages (depth 2), like a CMS with menus; returns the number of HTML pages."""
    (root / "s").mkdir(parents=True, exist_ok=True)
    (root / "files").mkdir(exist_ok=True)
    home_links = [(f"/s/{i}.html", f"หมวด {i}") for i in range(sections)]
    n = 1
    for i in range(sections):
        links = [(f"/s/{i}-{j}.html", f"เรื่อง {i}-{j}") for j in range(per_section)]
        (root / "s" / f"{i}.html").write_text(_page(f"หมวด {i}", PARA * 3, links), encoding="utf-8")
        n += 1
        for j in range(per_section):
            body = PARA * 4
            doc_links: list[tuple[str, str]] = [("/", "หน้าหลัก")]
            k = i * per_section + j
            if k < documents:
                doc_links.append((f"/files/doc-{k}.pdf", f"แผนปฏิบัติการป้องกันการทุจริต เอกสาร {k}"))
                src = FILES / ("scan.pdf" if k % 15 == 14 else "text.pdf")
                shutil.copyfile(src, root / "files" / f"doc-{k}.pdf")
            (root / "s" / f"{i}-{j}.html").write_text(
                _page(f"แผนปฏิบัติการป้องกันการทุจริต {i}-{j}", body, doc_links), encoding="utf-8"
            )
            n += 1
    for k in range(js_pages):
        script = (
            "<script>setTimeout(function(){document.getElementById('app').innerHTML="
            f"'<main><h1>ข่าวประชาสัมพันธ์ {k}</h1><p>15 ม.ค. 2569 กิจกรรม</p></main>';}},50);</script>"
        )
        (root / f"js-{k}.html").write_text(
            f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>js</title></head>'
            f'<body><div id="app"></div>{script}</body></html>',
            encoding="utf-8",
        )
        home_links.append((f"/js-{k}.html", f"ข่าว {k}"))
    (root / "index.html").write_text(_page("อบต.ตัวอย่าง", PARA, home_links), encoding="utf-8")
    return n + js_pages


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    base_url: str
    kind: str
    _proc: subprocess.Popen[bytes] | None = None
    _site: object = None
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(10)
        if self._site is not None:
            self._site.stop()  # type: ignore[attr-defined]
        if self._tmp is not None:
            self._tmp.cleanup()


def serve_dir(root: Path) -> Served:
    """nginx (1 worker, access log off) when installed, else the project's threaded Python server."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        site = serve(SiteConfig(root=root))
        return Served(base_url=site.base_url, kind="python", _site=site)
    tmp = tempfile.TemporaryDirectory(prefix="ita-nginx-")
    port = _free_port()
    conf = Path(tmp.name) / "nginx.conf"
    conf.write_text(
        f"""user root; worker_processes 1; pid {tmp.name}/nginx.pid; error_log {tmp.name}/error.log; daemon off;
events {{ worker_connections 256; }}
http {{ include /etc/nginx/mime.types; access_log off; charset utf-8;
  client_body_temp_path {tmp.name}/b; proxy_temp_path {tmp.name}/p; fastcgi_temp_path {tmp.name}/f;
  uwsgi_temp_path {tmp.name}/u; scgi_temp_path {tmp.name}/s;
  server {{ listen 127.0.0.1:{port}; root {root}; index index.html; }} }}
""",
        encoding="utf-8",
    )
    proc = subprocess.Popen([nginx, "-c", str(conf)], stderr=subprocess.DEVNULL)
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    return Served(base_url=f"http://127.0.0.1:{port}", kind="nginx", _proc=proc, _tmp=tmp)


def make_small_agency_site(root: Path, index: int) -> None:
    """A tiny agency site (home, structure page, contact page) for queue and distributed-scan tests."""
    root.mkdir(parents=True, exist_ok=True)
    name = f"องค์การบริหารส่วนตำบลทดสอบ {index}"
    links = [("/structure.html", "โครงสร้างหน่วยงาน"), ("/contact.html", "ติดต่อเรา")]
    (root / "index.html").write_text(_page(name, PARA, links), encoding="utf-8")
    structure = "โครงสร้างองค์กร นายกองค์การบริหารส่วนตำบล ปลัด กองคลัง กองช่าง " + PARA
    (root / "structure.html").write_text(_page("โครงสร้างหน่วยงาน", structure, [("/", "หน้าหลัก")]), encoding="utf-8")
    contact = f"ที่อยู่ หมู่ 1 ตำบลทดสอบ {index} โทรศัพท์ 055-000-{index:03d} อีเมล saraban@example.go.th"
    (root / "contact.html").write_text(_page("ติดต่อเรา", contact, [("/", "หน้าหลัก")]), encoding="utf-8")


def write_registry_csv(path: Path, bases: dict[str, str]) -> Path:
    """A registry (id, name, type, province, district, site) with one local agency per base URL."""
    rows = ["id,name,type,province,district,site"]
    rows += [f"{aid},อบต.ทดสอบ {aid},local,พิษณุโลก,เมือง,{base}/" for aid, base in bases.items()]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
