"""The browser harness itself: axe-core runs under the pages' CSP and does find a broken page
(so a clean result means something), and its failure reads well."""

from __future__ import annotations

import pytest


def test_axe_finds_an_input_without_a_label_and_says_where(page, axe):
    page.goto("/anmelden")
    assert axe(page) == []
    page.locator("label[for=email]").evaluate("e => e.remove()")
    found = {v["id"]: v for v in axe(page)}
    assert "label" in found, sorted(found)
    assert found["label"]["impact"] == "critical"
    assert [node["target"] for node in found["label"]["nodes"]] == [["#email"]]
    with pytest.raises(AssertionError) as failed:
        axe.assert_none(page)
    message = str(failed.value)
    assert "- label (critical): Form elements must have labels" in message
    assert "#email: <input id=\"email\"" in message
    axe.assert_none(page, ignore={"label"})

