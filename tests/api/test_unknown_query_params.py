"""A query parameter an operation does not declare is refused (X9, SPEC §10): a 422 problem
naming it and the parameters the operation takes, before anything runs, where it used to be
ignored (`?sales_person=KIM`, a typo of `salesperson`, answered every segment). The web
UI's pages keep ignoring what they do not read."""

from __future__ import annotations

import re

from tests.api.conftest import problem_of

METHODS = ("get", "put", "post", "patch", "delete")


def _operations(document):
    for path, items in document["paths"].items():
        for method, operation in items.items():
            if method in METHODS:
                yield method, path, operation


def _query_names(operation):
    return [p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"]


def _refusal(answer, name):
    """The problem of an answer refusing the unknown parameter `name`, or why it is not one."""
    if answer.status_code != 422:
        return f"{answer.status_code} {answer.text[:200]}"
    problem = problem_of(answer, 422)
    if problem.get("errors") != [{"field": name, "message": problem["detail"]}]:
        return f"errors {problem.get('errors')}"
    if f"unknown query parameter '{name}'" not in problem["detail"]:
        return f"detail {problem['detail']}"
    return problem


def test_x9_every_operation_refuses_an_unknown_query_parameter_and_changes_nothing(client_as):
    """Every operation of the OpenAPI document, each method, answers 422 naming `zz_unknown`
    and listing the query parameters it documents; a segment every path names is still
    there, as it was, afterwards (the DELETE and the writes did not run)."""
    admin = client_as("admin")
    assert admin.post("/api/segments", json={"description": "Spring"}).status_code == 201
    before = admin.get("/api/segments/SEG00001").json()
    document = admin.get("/api/openapi.json").json()
    wrong = []
    for method, path, operation in _operations(document):
        url = re.sub(r"\{no\}", "SEG00001", path)
        url = re.sub(r"\{[^}]+\}", "1", url)
        answer = admin.request(method.upper(), url, params={"zz_unknown": "1"})
        problem = _refusal(answer, "zz_unknown")
        if isinstance(problem, str):
            wrong.append(f"{method.upper()} {path}: {problem}")
            continue
        taken = _query_names(operation)
        if not all(f"{name}" in problem["detail"] for name in taken):
            wrong.append(f"{method.upper()} {path}: {problem['detail']} lacks one of {taken}")
        if not taken and "takes no query parameters" not in problem["detail"]:
            wrong.append(f"{method.upper()} {path}: {problem['detail']}")
    assert wrong == []
    assert admin.get("/api/segments/SEG00001").json() == before
    assert [s["no"] for s in admin.get("/api/segments").json()["items"]] == ["SEG00001"]


def test_x9_a_typo_of_a_filter_is_refused_with_the_name_it_meant(client_as):
    viewer = client_as("viewer")
    problem = _refusal(viewer.get("/api/segments", params={"sales_person": "KIM"}), "sales_person")
    assert not isinstance(problem, str), problem
    assert "did you mean 'salesperson'?" in problem["detail"]
    for name in ("after", "campaign", "dynamic", "limit", "q", "salesperson", "where"):
        assert name in problem["detail"]


def test_x9_the_declared_parameters_still_work_and_their_next_page_too(client_as):
    marketer = client_as("marketer")
    for description in ("Spring", "Autumn", "Spring again"):
        assert marketer.post("/api/segments", json={"description": description}).status_code == 201
    answer = marketer.get("/api/segments", params={"q": "Spring", "limit": 1})
    assert answer.status_code == 200, answer.text
    first = answer.json()
    assert [s["description"] for s in first["items"]] == ["Spring"]
    following = marketer.get(first["next"])
    assert following.status_code == 200, following.text
    assert [s["description"] for s in following.json()["items"]] == ["Spring again"]


def test_x6_x9_a_parameter_is_known_by_its_alias_not_its_python_name(client_as):
    """`?with=` (the route's `with_`) is the name the document gives and the one taken."""
    marketer = client_as("marketer")
    for description in ("Spring", "Autumn"):
        assert marketer.post("/api/segments", json={"description": description}).status_code == 201
    overlap = "/api/segments/SEG00001/overlap"
    answer = marketer.get(overlap, params={"with": "SEG00002"})
    assert answer.status_code == 200, answer.text
    problem = _refusal(marketer.get(overlap, params={"with_": "SEG00002"}), "with_")
    assert not isinstance(problem, str), problem
    assert "this operation takes with" in problem["detail"]


def test_x9_a_write_with_an_unknown_parameter_creates_nothing(client_as):
    marketer = client_as("marketer")
    answer = marketer.post(
        "/api/segments", params={"preview": "true"}, json={"description": "Spring"}
    )
    problem = _refusal(answer, "preview")
    assert not isinstance(problem, str), problem
    assert "takes no query parameters" in problem["detail"]
    assert marketer.get("/api/segments").json()["items"] == []


def test_x9_several_unknown_parameters_are_all_named(client_as):
    answer = client_as("viewer").get("/api/segments", params={"zz_a": "1", "zz_b": "2"})
    problem = problem_of(answer, 422)
    assert problem["errors"][0]["field"] == "zz_a"
    assert problem["detail"].startswith("unknown query parameters 'zz_a', 'zz_b'")


def test_x9_nobody_signed_in_is_told_that_first(anonymous):
    answer = anonymous.get("/api/segments", params={"zz_unknown": "1"})
    assert problem_of(answer, 401)


def test_x9_a_page_of_the_web_ui_still_ignores_an_unknown_parameter(browser_as):
    browser = browser_as("viewer")
    answer = browser.get("/segments", params={"zz_unknown": "1"})
    assert answer.status_code == 200, answer.text
