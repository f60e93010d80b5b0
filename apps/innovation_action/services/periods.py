"""Opening an assessment period: everyone who reports in it gets their document, prefilled.

附件3: "实行每月调度、每季通报排名、年终综合考评". Opening a quarter or the year
creates the 自评报告 of every assessee of the period's plan (Plan Assessee: its
counties on 附表3-1, its units on 附表3-2), and of no one else; opening a month
creates the 月度调度 of every unit assessee that leads or shares a task. Documents are created as the office would create them
by hand (the same permissions, workflow start and prefill hooks), all in one
transaction; opening again creates only what is missing.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.innovation_action.models import (
    AssessmentPeriod,
    PeriodKind,
    PlanAssessee,
    ProgressReport,
    SelfAssessment,
    Unit,
)
from apps.innovation_action.services.deadlines import period_due_date
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document.service import save_document
from apps.lowcode.exceptions import DoesNotExistError
from apps.lowcode.jobs.progress import publish_progress


@dataclass
class Opened:
    created: list[str] = field(default_factory=list)
    existing: int = 0
    # {"county": 18, "unit": 10}: for whom documents were created, for the summary the office reads
    created_for: dict[str, int] = field(default_factory=dict)
    document_label: str = ""
    due: date | None = None

    @property
    def message(self) -> str:
        kept = f"，已有 {self.existing} 份保持不变" if self.existing else ""
        return f"已生成 {len(self.created)} 份{kept}"

    @property
    def summary(self) -> str:
        """已为 18 个县（市、区）和 10 个单位生成自评报告，截止 2023-04-10: what 开启考评 did, in one sentence."""
        whom = "和 ".join(
            f"{count} 个{get_meta(doctype).label}"
            for key, doctype in (("county", "County"), ("unit", "Unit"))
            if (count := self.created_for.get(key))
        )
        done = f"已为 {whom}生成{self.document_label}" if whom else f"没有需要新生成的{self.document_label}"
        kept = f"（已有 {self.existing} 份保持不变）" if self.existing else ""
        due = f"，截止 {self.due.isoformat()}" if self.due else "，未设报送截止日期"
        return f"{done}{kept}{due}"


def named(name) -> AssessmentPeriod:
    """The period called ``name`` (e.g. 2023-Q1), or DoesNotExistError (404) saying so."""
    period = AssessmentPeriod.objects.select_related("plan").filter(name=str(name or "")).first()
    if period is None:
        raise DoesNotExistError(f"考评周期 {name} 不存在")
    return period


def reporting_units(plan):
    """The plan's unit assessees taking part in a task of the plan, in any role: the ones with monthly reports."""
    return Unit.objects.filter(plan_assessees__plan=plan, task_rows__task__plan=plan).distinct()


def assessees(plan) -> list[dict]:
    """The plan's assessees as a self-assessment names them: {"county": …} or {"unit": …}, counties first."""
    rows = PlanAssessee.objects.filter(plan=plan).select_related("county", "unit")
    counties = sorted((r.county for r in rows if r.county_id), key=lambda c: (c.order, c.pk))
    units = sorted((r.unit for r in rows if r.unit_id), key=lambda u: (u.order, u.pk))
    return [{"county": c.name} for c in counties] + [{"unit": u.name} for u in units]


@transaction.atomic
def open_period(user, period) -> Opened:
    opened = Opened()
    if period.opened_at is None:  # first: the documents below are validated against an open period
        period.opened_at = timezone.now()
        type(period).objects.filter(pk=period.pk).update(opened_at=period.opened_at)
    if period.kind == PeriodKind.MONTH:
        doctype, model = "Progress Report", ProgressReport
        wanted = [{"unit": unit.name} for unit in reporting_units(period.plan)]
    else:
        doctype, model = "SelfAssessment", SelfAssessment
        wanted = assessees(period.plan)
    meta = get_meta(doctype)
    label = meta.label
    opened.document_label = label
    opened.due = period_due_date(period)
    for done, assessee in enumerate(wanted):
        who = next(iter(assessee.values()))
        publish_progress(done, len(wanted), f"正在生成{who}的{label}（第 {done + 1} 份，共 {len(wanted)} 份）")
        lookup = {f"{key}__name": value for key, value in assessee.items()}
        if model.objects.filter(period=period, **lookup).exists():
            opened.existing += 1
            continue
        document = save_document(user, meta, {"period": period.name, **assessee})
        opened.created.append(document.name)
        key = next(iter(assessee))
        opened.created_for[key] = opened.created_for.get(key, 0) + 1
    publish_progress(len(wanted), len(wanted), f"{period.title}：{opened.message}")
    return opened


def open_period_job(user_id: int, period_name: str) -> dict:
    """开启考评 as a background job (periods with many assessees take a while): the answer the API gives."""
    from django.contrib.auth import get_user_model

    opened = open_period(get_user_model().objects.get(pk=user_id), named(period_name))
    return {
        "created": opened.created,
        "existing": opened.existing,
        "message": opened.message,
        "summary": opened.summary,
    }
