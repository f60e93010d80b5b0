"""Headings built from the plan's own data, not written into the code: the self-assessment form's bonus tab
comes from the scheme's bonus item (its number and cap), and there is none when the scheme has no bonus item."""

import pytest
from django.urls import reverse

from apps.innovation_action.models import Indicator, SelfAssessment
from apps.lowcode.doctype.customization import PropertySetter
from tests.test_workflow_api import client, ok

pytestmark = pytest.mark.django_db


def change_page(login, name) -> str:
    assessment = SelfAssessment.objects.get(name=name)
    url = reverse("admin:innovation_action_selfassessment_change", args=[assessment.pk])
    return login("office").get(url).content.decode()


def new_assessment(**assessee) -> str:
    return ok(client("office").post("/api/resource/SelfAssessment", {"period": "2023-Y", **assessee}, format="json"))[
        "name"
    ]


def test_the_bonus_tab_is_headed_by_the_schemes_own_bonus_item(login):
    name = new_assessment(county="章贡区")
    assert "加分申报（第15项，合计不超过 15 分）" in change_page(login, name)  # the 赣州 scheme, as before

    bonus = Indicator.objects.get(name="2023-C-15")
    Indicator.objects.filter(pk=bonus.pk).update(number=9, points=10)
    page = change_page(login, name)
    assert "加分申报（第9项，合计不超过 10 分）" in page and "第15项" not in page

    PropertySetter.objects.create(doc_type="Bonus Claim", label="特色加分")
    assert "特色加分（第9项，合计不超过 10 分）" in change_page(login, name)


def test_no_bonus_tab_when_the_scheme_has_no_bonus_item(login):
    name = new_assessment(unit="市科技局")
    page = change_page(login, name)
    assert "自评明细" in page and "加分申报" not in page
