"""support.html in a real headless Chromium (the system's, never a downloaded one): no console errors, filters
hide what they should, a hovered or clicked cell shows its error, stage and numbers, and every status symbol is a
glyph of its own with no colour-emoji font."""
from __future__ import annotations

import os
import shutil

import pytest
from report_samples import cell, results, table_of

from reports.builder.document import build_document
from reports.builder.html import support_html

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ERROR = "max abs error 3.94 (mean 1.14) over tolerance 0.0001 x scale 2.52"
UPSTREAM = "https://github.com/opencv/opencv/issues/22423"
METRICS = {"max_abs": 3.9372, "mean_abs": 1.1397, "scale": 2.5178, "required_tolerance": 4.5268}


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    table = table_of(
        results("tf215-cv49", [
            cell("upsampling2d-nearest-2x", "onnx-keras", "pass", family="upsampling"),
            cell("conv2d-1x1", "onnx-keras", "pass"),
            cell("conv2d-1x1", "tflite", "import-error", error="Unsupported operator type MEAN"),
        ]),
        results("tf219-cv50", [
            cell("upsampling2d-nearest-2x", "onnx-keras", "mismatch", family="upsampling", engine=engine,
                 error=ERROR, metrics=METRICS, known="silently wrong numbers", link=UPSTREAM)
            for engine in ("classic", "new")
        ] + [cell("conv2d-1x1", "onnx-keras", "pass", engine=engine) for engine in ("classic", "new")],
            tf="2.19.1", keras="3.15.1", opencv="5.0.0"),
        expected=("tf216-cv49-keras2",),
    )
    file = tmp_path_factory.mktemp("page") / "support.html"
    file.write_text(support_html(build_document(table)), encoding="utf-8")
    return file.as_uri()


@pytest.fixture(scope="module")
def real_page_url(committed_report):
    """The page `tox -e report` makes of the committed results: what users open."""
    return (committed_report / "support.html").as_uri()


@pytest.fixture(scope="module")
def playwright():
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    with sync_api.sync_playwright() as running:
        yield running


def _launch(playwright, **options):
    try:
        return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], **options)
    except sync_api.Error as error:
        pytest.skip(f"{CHROMIUM} does not start under playwright: {str(error).splitlines()[0]}")


@pytest.fixture(scope="module")
def browser(playwright):
    launched = _launch(playwright)
    yield launched
    launched.close()


NO_COLOR_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><pattern><patelt name="color"><bool>true</bool></patelt></pattern></rejectfont></selectfont>
</fontconfig>
"""
GLYPHS = r"""
(symbols) => {
  const style = getComputedStyle(document.querySelector("td.cell"));
  const canvas = document.createElement("canvas");
  canvas.width = 48;
  canvas.height = 48;
  const context = canvas.getContext("2d", {willReadFrequently: true});
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return symbols.map((symbol) => {
    context.clearRect(0, 0, 48, 48);
    context.fillText(symbol, 8, 32);
    const alpha = Array.from(context.getImageData(0, 0, 48, 48).data.filter((_, index) => index % 4 === 3));
    return {width: context.measureText(symbol).width, ink: alpha.filter(Boolean).length, pixels: alpha.join(",")};
  });
}
"""
MISSING_GLYPH = "\U0010fffd"  # private use, plane 16: no font has it, so it is drawn as whatever stands for none


@pytest.fixture(scope="module")
def browser_without_emoji(playwright, tmp_path_factory):
    """Chromium with every colour font (emoji) rejected by fontconfig, as on a server or a minimal desktop."""
    config = tmp_path_factory.mktemp("fonts") / "fonts.conf"
    config.write_text(NO_COLOR_FONTS)
    launched = _launch(playwright, env={**os.environ, "FONTCONFIG_FILE": str(config)})
    yield launched
    launched.close()


def _open(browser, url, timeout_ms=30_000):
    """A page at `url` and the list its console errors, uncaught exceptions and failed requests go to."""
    page = browser.new_page()
    page.set_default_timeout(timeout_ms)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    page.goto(url)
    return page, problems


@pytest.fixture
def page(browser, page_url):
    page, problems = _open(browser, page_url)
    yield page
    page.close()
    assert problems == []


def _rows(page, path, family=None):
    selector = f'section[data-path="{path}"] tr[data-case]' + (f'[data-family="{family}"]' if family else "")
    return page.locator(selector)


def test_page_loads_with_every_cell_shown(page):
    assert page.locator("#f-count").inner_text() == "7 cells shown"
    assert page.locator("#detail").is_hidden()


def test_the_route_advice_is_the_first_section_and_in_the_first_view(page):
    advice = page.locator("section").first
    assert advice.get_attribute("id") == "advice"
    top = advice.locator("table").first.bounding_box()["y"]
    assert top < page.viewport_size["height"], "the advice table is below the first view"
    assert "onnx-keras 1/1 from 4.9" in advice.locator("table").first.inner_text()
    page.select_option("#f-family", "upsampling")
    shown = advice.locator("tr[data-family]:visible")
    assert shown.count() > 0
    assert {row.get_attribute("data-family") for row in shown.all()} == {"upsampling"}


def test_family_and_status_filters_hide_rows(page):
    page.select_option("#f-family", "upsampling")
    assert _rows(page, "onnx-keras", "conv2d").first.is_hidden()
    assert _rows(page, "onnx-keras", "upsampling").first.is_visible()
    assert page.locator('section[data-path="tflite"]').is_hidden()  # no upsampling case there
    page.select_option("#f-family", "")
    page.select_option("#f-status", "import-error")
    assert page.locator('section[data-path="onnx-keras"]').is_hidden()
    assert _rows(page, "tflite").first.is_visible()
    assert page.locator("#f-count").inner_text() == "1 cells shown"


def test_version_filters_hide_columns(page):
    page.select_option("#f-tf", "2.19")
    section = page.locator('section[data-path="onnx-keras"]')
    assert section.locator("td.cell:visible").count() == 4  # 2 cases x (classic, new)
    page.select_option("#f-opencv", "5.0")
    page.select_option("#f-engine", "new")
    assert section.locator("td.cell:visible").count() == 2
    page.click("#f-reset")
    assert section.locator("td.cell:visible").count() == 6


def test_clicking_a_cell_shows_its_error_stage_and_numbers(page):
    page.select_option("#f-status", "mismatch")
    target = page.locator('section[data-path="onnx-keras"] td.cell[data-status="mismatch"]').first
    target.hover()
    assert ERROR in target.get_attribute("title")
    target.click()
    detail = page.locator("#detail")
    assert detail.is_visible()
    text = detail.inner_text()
    assert "upsampling2d-nearest-2x via onnx-keras in 2.19/5.0 classic" in text
    for expected in (ERROR, "compare", "3.94", "1.14", "4.53", "0.0001", "silently wrong numbers",
                     "TF 2.19.1, Keras 3.15.1, OpenCV 5.0.0"):
        assert expected in text
    assert detail.locator("dd a").get_attribute("href") == UPSTREAM  # the known failure's upstream report
    page.click("#detail-close")
    assert detail.is_hidden()


def test_every_status_symbol_is_its_own_glyph_without_an_emoji_font(browser_without_emoji, page_url):
    """The legend's symbols, drawn in the cells' font: each has width and ink, no two look alike, and none is drawn
    as a character no font has (the empty box the emoji symbols were)."""
    page, problems = _open(browser_without_emoji, page_url)
    symbols = page.locator("#legend tbody tr td:first-child").all_inner_texts()
    assert len(symbols) >= 11  # every status, not measured
    *drawn, missing = page.evaluate(GLYPHS, [*symbols, MISSING_GLYPH])
    page.close()
    assert problems == []
    for symbol, glyph in zip(symbols, drawn, strict=True):
        assert glyph["width"] > 0 and glyph["ink"] > 0, f"{symbol!r} draws nothing"
        drawn_as_missing = glyph["pixels"] == missing["pixels"]
        assert not drawn_as_missing, f"{symbol!r} is drawn as a missing glyph"
    assert len({glyph["pixels"] for glyph in drawn}) == len(symbols), "two status symbols look alike"


REAL_PAGE_TIMEOUT_MS = 180_000  # the 47 MB page loads in 7 s on an idle 2-core machine; CI runs an env beside it


def test_the_page_of_the_real_results_works(browser, real_page_url):
    page, problems = _open(browser, real_page_url, REAL_PAGE_TIMEOUT_MS)
    page.select_option("#f-status", "import-error")
    target = page.locator("td.cell[data-status=import-error]:visible").first
    target.hover()
    error = target.get_attribute("title").split(" | ")[-1]  # case via path in column | status | stage | error
    target.click()
    text = page.locator("#detail").inner_text()
    assert "import-error" in text and error in text
    advice = page.locator("section#advice")
    assert advice.locator("tbody tr").count() > 20 and "opencv PR #29474" in advice.inner_text()
    page.close()
    assert problems == []
