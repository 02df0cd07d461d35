"""URL identity: a submitted URL is the page fetched, whatever its spelling (fragment, encoding, case, '?', spaces)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import pymupdf
import pytest

from ita_checker.check import CheckOptions, run_check
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.inputs.submissions import split_urls
from ita_checker.urls import fetch_url, locator, url_key

from .conftest import SITES


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.a.go.th/ita68#service-details-3", "https://www.a.go.th/ita68"),
        ("HTTPS://WWW.A.GO.TH/ita68", "https://www.a.go.th/ita68"),
        ("https://www.a.go.th:443/x", "https://www.a.go.th/x"),
        ("http://www.a.go.th:80/x", "http://www.a.go.th/x"),
        ("https://www.a.go.th/x?", "https://www.a.go.th/x"),
        ("https://www.a.go.th/doc.pdf#page=2", "https://www.a.go.th/doc.pdf"),
        ("https://www.a.go.th/ita/โครงสร้าง.pdf", "https://www.a.go.th/ita/" + quote("โครงสร้าง") + ".pdf"),
        ("https://www.a.go.th/ita/" + quote("โครงสร้าง").lower() + ".pdf", "https://www.a.go.th/ita/โครงสร้าง.pdf"),
        ("https://ทดสอบ.ไทย/ita", "https://xn--l3cfk7dp.xn--o3cw4h/ita"),
        ("  https://www.a.go.th/x  ", "https://www.a.go.th/x"),
        ("https://www.a.go.th/a?b=1&a=2", "https://www.a.go.th/a?a=2&b=1"),
        ("https://www.a.go.th", "https://www.a.go.th/"),
    ],
)
def test_spellings_of_one_url_share_a_key(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


def test_different_urls_keep_different_keys() -> None:
    assert url_key("https://www.a.go.th/x") != url_key("https://www.a.go.th/y")
    assert url_key("https://www.a.go.th/x?id=1") != url_key("https://www.a.go.th/x?id=2")
    assert url_key("http://www.a.go.th/x") != url_key("https://www.a.go.th/x")


def test_fragment_is_a_locator_not_part_of_the_fetch() -> None:
    assert locator("https://www.a.go.th/ita68#service-details-3") == "service-details-3"
    assert locator("https://www.a.go.th/doc.pdf#page=2") == "page=2"
    assert locator("https://www.a.go.th/ita68") is None
    assert fetch_url("https://www.a.go.th/ita68#tab") == "https://www.a.go.th/ita68"


def test_url_typed_with_spaces_in_its_file_name_is_kept_whole() -> None:
    assert split_urls("https://x.go.th/ita/แผน ปี 2569.pdf") == (["https://x.go.th/ita/แผน%20ปี%202569.pdf"], [])
    assert split_urls("https://x.go.th/ita 2569/o1.pdf") == (["https://x.go.th/ita%202569/o1.pdf"], [])
    # words after a URL that are not a path stay words (and are reported as not URLs)
    assert split_urls("https://x.go.th/o1 หน้าโครงสร้าง") == (["https://x.go.th/o1"], ["หน้าโครงสร้าง"])
    assert split_urls("https://x.go.th/a https://x.go.th/b") == (["https://x.go.th/a", "https://x.go.th/b"], [])


@pytest.fixture
def odd_site(tmp_path: Path):
    www = tmp_path / "www"
    shutil.copytree(SITES / "mini" / "www", www)
    shutil.copy(www / "oit" / "structure.html", www / "oit" / "โครงสร้าง.html")
    shutil.copy(www / "oit" / "news.html", www / "oit" / "ข่าวประชาสัมพันธ์.html")
    (www / "docs").mkdir()
    shutil.copy(www / "oit" / "plan.html", www / "docs" / "แผน ปี 2568.html")
    pdf = pymupdf.open()
    for n in (1, 2):
        pdf.new_page().insert_text((72, 72), f"Operations manual, page {n}")
    pdf.save(www / "docs" / "manual.pdf")
    site = serve(SiteConfig(root=www))
    yield site
    site.stop()


def test_every_spelling_of_a_submitted_url_is_judged_on_the_page_fetched(tmp_path: Path, odd_site) -> None:
    base = odd_site.base_url
    host_upper = base.replace("http://", "HTTP://")
    rows = [
        ("O1", f"{base}/oit/structure.html#org-chart"),  # fragment (an anchor into the page)
        ("O3", f"{host_upper}/oit/contact.html?"),  # upper-case scheme, trailing '?'
        ("O4", f"{base}/oit/{quote('ข่าวประชาสัมพันธ์').lower()}.html"),  # Thai path percent-encoded, lower case
        ("O5", f"{base}/oit/โครงสร้าง.html"),  # Thai path typed as Thai
        ("O8", f"{base}/docs/manual.pdf#page=2"),  # PDF page locator
        ("O23", f"{base}/docs/แผน ปี 2568.html"),  # spaces in the file name, typed in the cell
    ]
    form = tmp_path / "form.csv"
    form.write_text("ข้อ,URL\n" + "\n".join(f'{c},"{u}"' for c, u in rows) + "\n", encoding="utf-8")
    opts = CheckOptions(
        site=base + "/",
        year=2569,
        agency_type="local",
        allow_private=True,
        submissions=form,
        out_dir=tmp_path / "out",
        store_dir=tmp_path / "store",
        screenshots=False,
    )
    res = run_check(opts).result
    v = {it["code"]: it for it in res["items"]}
    for code, url in rows:
        assert v[code]["verdict"] != "unreachable", (code, v[code]["reasons"], v[code]["fetch_errors"])
        own = [e for e in v[code]["fetch_errors"] if url_key(e["url"]) == url_key(url.replace(" ", "%20"))]
        assert own == [], (code, own)  # the submitted page itself was fetched (a linked file may 404)
    # the same verdicts as the plain spellings give (tests/test_check_e2e.py)
    assert v["O1"]["verdict"] == "pass"
    assert v["O3"]["verdict"] == "incomplete"
    assert v["O4"]["verdict"] == "pass"
    assert v["O23"]["verdict"] == "stale"
    assert v["O8"]["verdict"] == "fail"  # an English manual: fetched and read, not the item
