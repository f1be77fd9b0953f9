"""What a person meets on a Voilà page, measured in the browser: scrolling, width, contrast, type size.

Shared by ``tests/test_pages_browser.py`` and ``python -m tests.screenshots``. Every scroll here is
done the way a person does it (mouse wheel, keyboard, touch), never by a locator's auto-scroll.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.harness import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "pages"
"""Screenshots the browser tests save, to be looked at (git ignores the folder)."""

PHONE, LAPTOP, PROJECTOR = (390, 844), (1280, 800), (1920, 1080)
SIZES = {"phone": PHONE, "laptop": LAPTOP, "projector": PROJECTOR}

CHAPTERS = sorted(path.name for path in (ROOT / "workbooks").glob("[0-9][0-9]-*.ipynb"))
DASHBOARDS = sorted(f"dashboards/{path.name}" for path in (ROOT / "workbooks" / "dashboards").glob("*.ipynb"))

# The last element of the last cell that shows anything: reaching it means the page was read to its end.
_LAST_CELL = """() => {
  const cells = [...document.querySelectorAll('#rendered_cells [cell-index]')]
    .filter((cell) => cell.getBoundingClientRect().height > 0);
  const last = cells[cells.length - 1];
  const box = last.getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, innerHeight: window.innerHeight, scrollY: window.scrollY,
          scrollHeight: document.documentElement.scrollHeight};
}"""

_TOO_WIDE = """() => {
  // Elements whose right edge passes the window, unless an ancestor scrolls sideways on purpose.
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let a = el.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const out = [];
  for (const el of document.querySelectorAll('#rendered_cells *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 1 && !scrolls(el)) out.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(box.right)}`);
  }
  return {documentWidth: document.documentElement.scrollWidth, width, elements: out.slice(0, 5)};
}"""

_CONTROLS = """() => {
  // Each visible button or clickable choice: its fill, its border and what lies behind it.
  // What lies behind: the ancestors' backgrounds composited (a half-transparent tool bar over a dark page is dark).
  const rgba = (c) => { const v = (c.match(/[\\d.]+/g) || []).map(Number); return [v[0] || 0, v[1] || 0, v[2] || 0, v.length > 3 ? v[3] : 1]; };
  const behind = (el) => {
    const layers = [];
    for (let a = el.parentElement; a; a = a.parentElement) {
      const c = rgba(getComputedStyle(a).backgroundColor); if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let out = [255, 255, 255];
    for (const [r, g, b, alpha] of layers.reverse()) out = [r * alpha + out[0] * (1 - alpha), g * alpha + out[1] * (1 - alpha), b * alpha + out[2] * (1 - alpha)];
    return `rgb(${out.map(Math.round).join(', ')})`;
  };
  const out = [];
  for (const el of document.querySelectorAll('#rendered_cells button, #rendered_cells [role="button"]')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden') continue;
    // An icon-only button (plotly's chart tools) is seen by its icon.
    const icon = !(el.innerText || '').trim() && el.querySelector('svg path');
    out.push({text: (el.innerText || el.getAttribute('aria-label') || el.getAttribute('data-title') || '').trim().slice(0, 60),
              fill: s.backgroundColor, border: s.borderTopColor, borderWidth: parseFloat(s.borderTopWidth),
              borderStyle: s.borderTopStyle, behind: behind(el), icon: icon ? getComputedStyle(icon).fill : null});
  }
  return out;
}"""

_SMALL_TEXT = """(minimum) => {
  // Visible text (HTML and SVG) drawn smaller than `minimum` CSS pixels.
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('#rendered_cells'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script, style, [hidden], .rw-hidden-id')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    if (svg && svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
      size = size * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    }
    if (size < minimum - 0.25) out.push(`${Math.round(size * 10) / 10}px: ${text.slice(0, 40)}`);
  }
  return out;
}"""

_CLIPPED = """() => {
  // Text cut off by its own box: wider or taller content than the box shows, with overflow hidden.
  const out = [];
  for (const el of document.querySelectorAll('#rendered_cells *')) {
    const s = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const hidesX = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
    const hidesY = ['hidden', 'clip'].includes(s.overflowY);
    const text = (el.innerText || '').trim();
    if (!text) continue;
    if ((hidesX && el.scrollWidth > el.clientWidth + 2) || (hidesY && el.scrollHeight > el.clientHeight + 2)) {
      out.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)}: ${text.slice(0, 50)}`);
    }
  }
  // Options of a list box wider than the box itself.
  for (const select of document.querySelectorAll('#rendered_cells select[size], #rendered_cells select[multiple]')) {
    const canvas = document.createElement('canvas').getContext('2d');
    canvas.font = getComputedStyle(select).font;
    for (const option of select.options) {
      if (canvas.measureText(option.text).width > select.clientWidth - 8) { out.push(`option cut: ${option.text.slice(0, 50)}`); break; }
    }
  }
  return out;
}"""


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.x) of a CSS ``rgb()``/``rgba()`` colour."""
    values = [float(v) for v in re.findall(r"[\d.]+", colour)[:3]]
    linear = [v / 255 / 12.92 if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _visible_colour(colour: str) -> bool:
    return not re.match(r"rgba\(.*,\s*0\)$", colour) and colour != "transparent"


def faint_controls(page: object) -> list[str]:
    """Buttons whose fill and border both have under 3:1 contrast with what is behind them."""
    faint = []
    for control in page.evaluate(_CONTROLS):  # type: ignore[attr-defined]
        fill = contrast(control["fill"], control["behind"]) if _visible_colour(control["fill"]) else 1.0
        has_border = control["borderWidth"] >= 1 and control["borderStyle"] not in ("none", "hidden")
        edge = contrast(control["border"], control["behind"]) if has_border and _visible_colour(control["border"]) else 1.0
        icon = contrast(control["icon"], control["behind"]) if control["icon"] and _visible_colour(control["icon"]) else 1.0
        if max(fill, edge, icon) < 3:
            faint.append(f"{control['text']!r}: fill {fill:.2f}:1, border {edge:.2f}:1, icon {icon:.2f}:1 on {control['behind']}")
    return faint


def last_cell(page: object) -> dict[str, float]:
    return page.evaluate(_LAST_CELL)  # type: ignore[attr-defined,no-any-return]


def at_end(page: object) -> bool:
    """True when the last cell's bottom is inside the window."""
    cell = last_cell(page)
    return cell["bottom"] <= cell["innerHeight"] + 1 and cell["top"] < cell["innerHeight"]


def wheel_to_end(page: object, *, step: int = 500, limit: int = 200) -> int:
    """Turn the mouse wheel over the middle of the page until it stops moving; return the wheel turns."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]  # type: ignore[attr-defined]
    page.mouse.move(width / 2, height / 2)  # type: ignore[attr-defined]
    previous, turns, still = -1.0, 0, 0
    while turns < limit and still < 4:  # a busy page may take a moment to move: stop after 4 still turns
        page.mouse.wheel(0, step)  # type: ignore[attr-defined]
        turns += 1
        page.wait_for_timeout(80 + 120 * still)  # type: ignore[attr-defined]
        position = page.evaluate("window.scrollY")  # type: ignore[attr-defined]
        still = still + 1 if position == previous else 0
        previous = position
    return turns


def swipe_up(page: object, *, distance: int = 400) -> None:
    """A finger dragged up the screen (Chrome DevTools touch events), as on a phone."""
    session = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    width, height = page.viewport_size["width"], page.viewport_size["height"]  # type: ignore[attr-defined]
    x, y = width // 2, int(height * 0.8)
    session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 21):
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - step * distance // 20}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()


def too_wide(page: object) -> dict[str, object]:
    return page.evaluate(_TOO_WIDE)  # type: ignore[attr-defined,no-any-return]


def small_text(page: object, minimum: float) -> list[str]:
    return page.evaluate(_SMALL_TEXT, minimum)  # type: ignore[attr-defined,no-any-return]


def clipped(page: object) -> list[str]:
    return page.evaluate(_CLIPPED)  # type: ignore[attr-defined,no-any-return]


def shot(page: object, name: str) -> Path:
    """Save what the window shows now as ``test-artifacts/pages/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))  # type: ignore[attr-defined]
    return path


@dataclass(frozen=True)
class Box:
    top: float
    bottom: float
    left: float
    right: float


def box_of(page: object, selector: str) -> Box | None:
    """The bounding box of the first element matching ``selector`` (Playwright selector), if shown."""
    locator = page.locator(selector).first  # type: ignore[attr-defined]
    if locator.count() == 0:
        return None
    found = locator.evaluate("el => { const b = el.getBoundingClientRect(); return [b.top, b.bottom, b.left, b.right]; }")
    return Box(*found)
