"""Elder mode (长辈模式) measured in a real phone-sized browser.

After the MIIT 2021 elder-friendly specification: every visible text at least 18 pt
(24 px) and every tap target at least 60 × 60 px; the standard mode is smaller.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from shequ.core.testing import sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Returns every visible text smaller than ``minText`` px and every visible tap target
#: smaller than ``minTarget`` × ``minTarget`` px, with how many of each were checked.
MEASURE = """
({minText, minTarget}) => {
  const shown = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const bad = [];
  let texts = 0, targets = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || !node.parentElement) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const boxes = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!boxes.length || !shown(node.parentElement)) continue;
    texts += 1;
    const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
    if (size < minText) bad.push({kind: 'text', text: node.textContent.trim().slice(0, 30), size});
  }
  for (const el of document.querySelectorAll('a, button, input, select, textarea, [role=button]')) {
    if (!shown(el)) continue;
    targets += 1;
    const r = el.getBoundingClientRect();
    if (r.width < minTarget || r.height < minTarget) {
      bad.push({kind: 'target', tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 30),
                width: r.width, height: r.height});
    }
  }
  return {bad, texts, targets, bodyFont: parseFloat(getComputedStyle(document.body).fontSize)};
}
"""

ELDER = {"minText": 24, "minTarget": 60}
STANDARD = {"minText": 0, "minTarget": 44}


def measure(page: Any, limits: dict[str, int]) -> dict[str, Any]:
    return page.evaluate(MEASURE, limits)


def assert_elder_page(page: Any, path: str) -> None:
    page.goto(path)
    assert page.locator("body.elder").count() == 1, path
    result = measure(page, ELDER)
    assert result["texts"] >= 5, result
    assert result["targets"] >= 4, result
    assert result["bad"] == [], (path, result["bad"])
    # One column that fits the phone: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, path


def test_elder_mode_text_and_tap_targets(
    phone_page: Any, personas: dict[str, Any], client: Any, live_server: Any
) -> None:
    page = phone_page

    # Standard mode: a comfortable 16 px base and 44 px targets — but smaller than elder mode.
    page.goto("/")
    standard = measure(page, STANDARD)
    assert standard["bodyFont"] == 16
    assert standard["bad"] == [], standard["bad"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    too_small = measure(page, ELDER)["bad"]
    assert any(b["kind"] == "text" for b in too_small)
    assert any(b["kind"] == "target" for b in too_small)

    # A visitor turns elder mode on with the header button.
    page.click("#elder-toggle")
    page.wait_for_selector("body.elder")
    for path in ("/", "/me/"):
        assert_elder_page(page, path)
    if os.environ.get("SHEQU_SCREENSHOT_DIR"):
        page.goto("/")
        page.screenshot(
            path=os.path.join(os.environ["SHEQU_SCREENSHOT_DIR"], "portal-elder-visitor.png"), full_page=True
        )

    # …and off again: the page is back to the smaller standard mode.
    page.click("#elder-toggle")
    page.wait_for_selector("body:not(.elder)")
    assert measure(page, ELDER)["bad"]
    assert {c["name"]: c["value"] for c in page.context.cookies()}["elder"] == "0"

    # A signed-in resident turns it on from “我的”; the account remembers it.
    resident = personas["resident"]
    sign_in_browser(page.context, client, resident, live_server.url)
    page.goto("/me/")
    assert page.locator("#elder-state").inner_text() == "未开启"
    page.click("#elder-switch")
    page.wait_for_selector("body.elder")
    assert page.locator("#elder-state").inner_text() == "已开启"
    for path in ("/", "/me/"):
        assert_elder_page(page, path)
    page.goto("/")
    assert "居民甲，您好" in page.locator("h1").inner_text()
    assert "138****8000" in page.content()
    if os.environ.get("SHEQU_SCREENSHOT_DIR"):
        page.screenshot(
            path=os.path.join(os.environ["SHEQU_SCREENSHOT_DIR"], "portal-elder-resident.png"), full_page=True
        )
    resident.refresh_from_db()
    assert resident.elder_mode is True
