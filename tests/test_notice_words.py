"""The words the shipped notices and forms print come from data (apps/innovation_action/doctype/action_plan/words.py):
the plan's 考评通报用语 where set, else built from the site's labels, settings and the plan's categories."""

from types import SimpleNamespace

import pytest

from apps.innovation_action.doctype.action_plan.words import plan_words
from apps.innovation_action.doctype.assessment_period.print import interview_scope, praise_scope
from apps.innovation_action.models import ActionPlan, AssessmentCategory, PlanAssessee
from apps.lowcode.doctype.customization import PropertySetter
from apps.lowcode.website.model import WebsiteSettings

pytestmark = pytest.mark.django_db


def relabel(**values) -> None:
    setter = PropertySetter(**values)
    setter.full_clean()
    setter.save()


def test_the_demo_plan_says_what_its_notices_always_said(plan):
    words = plan_words(plan)
    assert (words.action, words.office, words.addressees) == (
        "科技创新赋能行动",
        "市科技创新赋能行动领导小组办公室",
        "各县（市、区）科技创新赋能行动领导小组，市直有关单位",
    )
    assert (words.county, words.unit, words.units, words.units_addressee) == (
        "县（市、区）",
        "单位",
        "市直单位",
        "市直有关单位",
    )


def test_blank_words_are_built_from_the_labels_the_site_settings_and_the_plans_categories(plan):
    ActionPlan.objects.filter(pk=plan.pk).update(
        action_name="", assessing_office="", notice_addressees="", units_addressee=""
    )
    plan.refresh_from_db()
    relabel(doc_type="County", label="街镇")
    AssessmentCategory.objects.filter(plan=plan, assessee_type="Unit").update(title="区直部门")
    site = WebsiteSettings.objects.first() or WebsiteSettings()
    site.organisation = "某区科技创新工作领导小组办公室"
    site.save()
    words = plan_words(plan)
    assert (words.action, words.office, words.county) == ("", "某区科技创新工作领导小组办公室", "街镇")
    assert (words.units, words.units_addressee, words.addressees) == ("区直部门", "区直部门", "各街镇，区直部门")

    # No unit category: the notice is addressed to the county-level assessees alone; no 主办单位: 领导小组办公室.
    PlanAssessee.objects.filter(plan=plan, category__assessee_type="Unit").delete()
    AssessmentCategory.objects.filter(plan=plan, assessee_type="Unit").delete()
    site.organisation = ""
    site.save()
    words = plan_words(plan)
    assert (words.units, words.addressees, words.office) == ("", "各街镇", "领导小组办公室")


def test_whom_a_notice_praises_and_interviews_follows_each_categorys_numbers():
    def table(title, praised, interviewed):
        return SimpleNamespace(title=title, praised=praised, interviewed=interviewed)

    same = [table("一类", 3, 1), table("二类", 3, 1)]
    assert praise_scope(same) == "各类别排名前三（含并列）的县（市、区）"
    assert interview_scope(same) == "各类别排名末位（含并列）的县（市、区）"
    differ = [table("街办", 1, 2), table("镇", 2, 1)]
    assert praise_scope(differ) == "街办排名第一、镇排名前二（含并列）的县（市、区）"
    assert interview_scope(differ) == "街办排名末二位、镇排名末位（含并列）的县（市、区）"
