"""The segment card's forms and buttons line up (S2, S5, SPEC §8; UI review items 17, 18):
in a line row the Preview link-button is as tall and as large as Edit, Remove and Explain;
in the header and in a line being edited a label that wraps onto two lines does not push
its field below the fields beside it, in English and in Dutch; Save line and Cancel are of
one height on one row."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_criteria_builder import new_segment
from tests.browser.test_segment_workflow import act

pytestmark = pytest.mark.browser

# Each field of a form grid: the top of its cell and the bottom of its input or list.
FIELD_BOTTOMS = """(grid) => [...grid.children].filter((cell) => !cell.classList.contains("flag"))
  .map((cell) => {
    const field = cell.querySelector("input, select");
    return [Math.round(cell.getBoundingClientRect().top), field.getBoundingClientRect().bottom,
            cell.querySelector("label").getBoundingClientRect().height];
  })"""


def misaligned(page, selector: str) -> list[list[float]]:
    """The rows of the form grid whose fields' bottoms differ by more than 2 px."""
    cells = page.locator(selector).evaluate(FIELD_BOTTOMS)
    rows: dict[int, list[float]] = {}
    for top, bottom, _label in cells:
        rows.setdefault(top, []).append(bottom)
    return [bottoms for bottoms in rows.values() if max(bottoms) - min(bottoms) > 2]


def wrapped_labels(page, selector: str) -> int:
    """How many labels of the grid take more than one line (the case under test)."""
    cells = page.locator(selector).evaluate(FIELD_BOTTOMS)
    return sum(1 for _top, _bottom, label in cells if label > 30)


def box(locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return found


@pytest.mark.parametrize(("language", "edit"), [("en", "Edit"), ("nl", "Bewerken")])
def test_s2_s5_a_wrapped_label_keeps_its_field_in_line_with_the_others(page, language, edit):
    sign_in(page, "jim")
    new_segment(page, f"Aligned fields {language}")
    act(page, "country = BE and type = person", "Add contacts")
    page.set_extra_http_headers({"Accept-Language": language})
    page.reload()
    header = "#general-pane .fields-grid"
    assert wrapped_labels(page, header) >= 1
    assert misaligned(page, header) == []
    page.locator("#lines tbody tr").first.get_by_role("button", name=edit).click()
    row = "tr.editing .fields-row"
    page.locator(row).wait_for()
    # "Correspondence type" takes two lines in a line's form; its Dutch word fits on one.
    assert wrapped_labels(page, row) >= (1 if language == "en" else 0)
    assert misaligned(page, row) == []
    save, cancel = page.locator("tr.editing .actions button").all()
    save_box, cancel_box = box(save), box(cancel)
    assert abs(save_box["height"] - cancel_box["height"]) <= 1, (save_box, cancel_box)
    assert abs(save_box["y"] - cancel_box["y"]) <= 1, (save_box, cancel_box)


def test_s5_the_preview_link_is_a_button_of_the_same_size_as_its_neighbours(page):
    sign_in(page, "jim")
    new_segment(page, "Row buttons")
    act(page, "country = NL and type = person", "Add contacts")
    row = page.locator("#lines tbody tr").first
    preview = row.get_by_role("link", name="Preview")
    sizes = {
        name: (box(control)["height"], control.evaluate("(c) => getComputedStyle(c).fontSize"))
        for name, control in (
            ("Edit", row.get_by_role("button", name="Edit")),
            ("Remove", row.get_by_role("button", name="Remove")),
            ("Preview", preview),
            ("Explain", row.get_by_role("button", name="Explain")),
        )
    }
    heights = [height for height, _font in sizes.values()]
    assert max(heights) - min(heights) <= 1, sizes
    assert len({font for _height, font in sizes.values()}) == 1, sizes
    tops = [box(control)["y"] for control in (preview, row.get_by_role("button", name="Edit"))]
    assert abs(tops[0] - tops[1]) <= 1
