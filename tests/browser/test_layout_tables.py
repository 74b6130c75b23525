"""Wide tables on a phone (SPEC §8, X9; UI review item 15): at 390 px nearly every list is
wider than the screen and scrolls inside its frame. The frame shows where the table goes
on: a shadow on the right edge while there is more to the right, on the left edge once it
has scrolled, none on an edge with nothing beyond; scrolled to its end the last column
(the segment card's "Undo after this action", Dutch "Verwijderd" before it) is in the frame.
The shadow is measured on the pixels of the frame's edges."""

from __future__ import annotations

import re
import statistics
import struct
import zlib

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_criteria_builder import new_segment
from tests.browser.test_segment_workflow import act

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
LISTS = ["/contacts", "/segments", "/interactions", "/campaigns", "/templates"]


# The right edge of the table's last column and of its frame.
LAST_COLUMN = """(f) => {
  const cell = f.querySelector("thead th:last-child") || f.querySelector("tr > :last-child");
  return [cell.getBoundingClientRect().right, f.getBoundingClientRect().right];
}"""


def _paeth(left: int, up: int, corner: int) -> int:
    guess = left + up - corner
    near_left, near_up, near_corner = abs(guess - left), abs(guess - up), abs(guess - corner)
    if near_left <= near_up and near_left <= near_corner:
        return left
    return up if near_up <= near_corner else corner


def _unfilter(kind: int, line: bytearray, previous: bytearray, step: int) -> None:
    for x in range(len(line)):
        left = line[x - step] if x >= step else 0
        corner = previous[x - step] if x >= step else 0
        up = previous[x]
        guess = _paeth(left, up, corner) if kind == 4 else (0, left, up, (left + up) // 2)[kind]
        line[x] = (line[x] + guess) & 0xFF


def brightness(png: bytes) -> list[float]:
    """The brightness (mean of red, green, blue) of every pixel of a screenshot (PNG, 8-bit
    RGB or RGBA, not interlaced, as Chromium writes them)."""
    width, height, depth, color = struct.unpack(">IIBB", png[16:26])
    assert (depth, color) in ((8, 2), (8, 6))
    step = 3 if color == 2 else 4
    data, at = b"", 8
    while at < len(png):
        (size,) = struct.unpack(">I", png[at : at + 4])
        if png[at + 4 : at + 8] == b"IDAT":
            data += png[at + 8 : at + 8 + size]
        at += 12 + size
    raw, stride = zlib.decompress(data), width * step
    seen: list[float] = []
    previous = bytearray(stride)
    for y in range(height):
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        _unfilter(raw[y * (stride + 1)], line, previous, step)
        seen += [sum(line[x : x + 3]) / 3 for x in range(0, stride, step)]
        previous = line
    return seen


def edge_shade(frame) -> tuple[float, float]:
    """How dark the frame's left and right edges are, inside its border: 255 minus the
    median brightness of the pixel columns 2 to 5 px from each edge (0: white)."""
    page = frame.page
    room = frame.bounding_box()
    assert room is not None
    top = room["y"] + page.evaluate("window.scrollY") + 2

    def shade(x: float) -> float:
        strip = {"x": x, "y": top, "width": 4, "height": room["height"] - 4}
        return 255 - statistics.median(brightness(page.screenshot(clip=strip, full_page=True)))

    return shade(room["x"] + 2), shade(room["x"] + room["width"] - 6)


def scroll(frame, where: str) -> None:
    frame.evaluate(f"(f) => {{ f.scrollLeft = {where}; }}")
    frame.page.wait_for_timeout(50)


def check_wide_frames(page, where: str) -> int:
    """Each frame wider than its table's room is shaded where the table goes on; returns
    how many there were."""
    frames = page.locator(".table-wrap").all()
    wide = 0
    for frame in frames:
        scroll_width, client_width = frame.evaluate("(f) => [f.scrollWidth, f.clientWidth]")
        if scroll_width <= client_width:
            continue
        wide += 1
        scroll(frame, "0")
        left, right = edge_shade(frame)
        assert right > 20, (where, "no shadow where the table goes on", left, right)
        assert left < 8, (where, "a shadow on the start edge", left, right)
        scroll(frame, "f.scrollWidth")
        left, right = edge_shade(frame)
        assert left > 20, (where, "no shadow where the table came from", left, right)
        assert right < 8, (where, "a shadow at the end", left, right)
        last = frame.evaluate(LAST_COLUMN)
        assert last[0] <= last[1] + 1, (where, "the last column is out of reach", last)
    return wide


def test_x9_on_a_phone_a_wide_list_shows_a_shadow_on_the_side_it_scrolls_to(page):
    page.set_viewport_size(PHONE)
    sign_in(page, "jim")
    for path in LISTS:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert check_wide_frames(page, path) >= 1, path


def test_s3_x9_on_a_phone_the_actions_taken_scroll_to_their_undo_button_in_dutch(page):
    sign_in(page, "jim")
    new_segment(page, "Wide actions")
    act(page, "country in (BE, NL) and not mailing_group = NO_MAIL", "Add contacts")
    act(page, "type = company", "Reduce contacts")
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": "nl"})
    page.reload()
    page.wait_for_url(re.compile(r"/segments/SEG\d+"))
    frame = page.locator("#actions-pane .table-wrap")
    assert frame.evaluate("(f) => f.scrollWidth > f.clientWidth")  # wider than a phone
    assert check_wide_frames(page, "segment card") >= 1
    scroll(frame, "f.scrollWidth")
    undo = frame.get_by_role("button", name="Ongedaan maken na deze actie").first
    box, room = undo.bounding_box(), frame.bounding_box()
    assert box is not None
    assert room is not None
    assert room["x"] <= box["x"]
    assert box["x"] + box["width"] <= room["x"] + room["width"]
