"""``ita-checker serve``: the web service (self-check page, job pages, downloads) on uvicorn."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import click

from ita_checker.cli.common import err_console
from ita_checker.cli.options import crawl_options, crawl_settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="ที่อยู่ที่รับการเชื่อมต่อ / address to bind")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=Path("outputs/web"),
    show_default=True,
    help="โฟลเดอร์งานตรวจและผลของบริการ / where jobs and their outputs are kept",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=2,
    show_default=True,
    help="จำนวนการตรวจที่ทำพร้อมกัน / checks run at once",
)
@click.option(
    "--limit-client",
    default="6/hour",
    show_default=True,
    help="ส่งตรวจได้กี่ครั้งต่อเครื่องผู้ใช้ (เช่น 6/hour) / self-checks per client address",
)
@click.option(
    "--limit-site",
    default="3/hour",
    show_default=True,
    help="ตรวจเว็บไซต์เดียวกันได้กี่ครั้ง (เช่น 3/hour) / self-checks per site host",
)
@click.option("--db", "db_url", help="ประวัติการสแกนและบัญชีในฐานข้อมูลนี้ (ค่าเริ่มต้น: SQLite ใน --store)")
@click.option("--behind-https", is_flag=True, help="อยู่หลัง HTTPS (nginx/Caddy): คุกกี้ส่งเฉพาะทาง HTTPS / Secure cookies")
@crawl_options
def serve(host: str, port: int, data_dir: Path, workers: int, limit_client: str, limit_site: str,
          db_url: str | None, behind_https: bool, **params: Any) -> None:  # fmt: skip
    """เปิดบริการเว็บให้หน่วยงานตรวจเว็บไซต์ด้วยตนเอง / run the web service (self-check page)."""
    import uvicorn

    from ita_checker.options import CrawlSettings
    from ita_checker.web.app import WebConfig, create_app

    for flag, value in (("--limit-client", limit_client), ("--limit-site", limit_site)):
        if not _valid_limit(value):
            raise click.BadParameter(f"'{value}' ไม่ใช่อัตรา เช่น 6/hour หรือ 20/day / not a rate", param_hint=flag)
    _check_bind(host, port)
    settings = CrawlSettings(**crawl_settings(params))
    config = WebConfig(data_dir=data_dir, settings=settings, workers=workers, per_client=limit_client,
                       per_site=limit_site, db_url=db_url, secure_cookies=behind_https)  # fmt: skip
    app = create_app(config)
    if settings.allow_private:
        err_console.print("[yellow]⚠ --allow-private-network: บริการนี้ยอมตรวจที่อยู่ภายใน ใช้เฉพาะทดสอบหรืออินทราเน็ต[/]")
    err_console.print(f"เปิดบริการที่ / serving on http://{host}:{port}/ (Ctrl-C เพื่อหยุด)")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True, server_header=False)


def _check_bind(host: str, port: int) -> None:
    """Bad input (exit 2) when the address cannot be listened on, said before anything starts."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(infos[0][4])
    except OSError as exc:
        raise click.UsageError(
            f"เปิดบริการที่ {host}:{port} ไม่ได้ ({exc.strerror or exc}) พอร์ตอาจถูกใช้อยู่ ลอง --port อื่น "
            f"/ cannot listen on {host}:{port}"
        ) from exc


def _valid_limit(value: str) -> bool:
    from limits import parse

    try:
        parse(value)
    except ValueError:
        return False
    return True
