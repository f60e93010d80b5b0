"""催办 by the office: one late document, or every late one of a period at once.

The reminding itself is the platform's (apps/lowcode/reminder): who must act, the channels, the log.
This says which documents of a period are late: those not yet submitted whose deadline
(services/deadlines.py) has passed.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.innovation_action.models import AssessmentPeriod, PeriodKind, ProgressReport, SelfAssessment
from apps.innovation_action.services.deadlines import due_dates
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.jobs.progress import publish_progress
from apps.lowcode.reminder import service as reminder


def documents_of(period: AssessmentPeriod):
    """A month's 月度调度, a quarter's or the year's 自评报告."""
    model = ProgressReport if period.kind == PeriodKind.MONTH else SelfAssessment
    return model.objects.filter(period=period)


def late_documents(period: AssessmentPeriod, today: date | None = None) -> list:
    """The period's documents not submitted by a deadline that has passed; none without a deadline."""
    today = today or timezone.localdate()
    model = ProgressReport if period.kind == PeriodKind.MONTH else SelfAssessment
    due = due_dates([period], model.doctype)[period.pk]
    if due is None or due >= today:
        return []
    return list(documents_of(period).filter(docstatus=0).order_by("pk"))


@dataclass
class Reminded:
    documents: list[str] = field(default_factory=list)
    reminders: int = 0
    skipped: list[str] = field(default_factory=list)  # late, but nobody to remind (no user for the assessee)

    @property
    def message(self) -> str:
        if not self.documents and not self.skipped:
            return "没有逾期未报送的单据"
        text = f"已催办 {len(self.documents)} 份逾期单据，发出提醒 {self.reminders} 条"
        if self.skipped:
            text += f"；{len(self.skipped)} 份没有可催办的填报人员：{'、'.join(self.skipped)}"
        return text


def remind_late(user, period: AssessmentPeriod, note: str = "", today: date | None = None) -> Reminded:
    """催办 every late document of the period; each document's reminders are logged as the user's."""
    reminder.ensure_may_remind(user)
    done = Reminded()
    late = list(late_documents(period, today))
    for number, doc in enumerate(late, 1):
        publish_progress(number - 1, len(late), f"正在催办：{doc}")
        try:
            with transaction.atomic():
                sent = reminder.remind(user, doc, note, today=today)
        except ValidationError:
            done.skipped.append(str(doc))
            continue
        done.documents.append(doc.name)
        done.reminders += len(sent)
    publish_progress(len(late), len(late), done.message)
    return done


def remind_late_job(user_id: int, period_name: str, note: str = "") -> dict:
    """催办 of a period's late documents as a background job (as the office user who pressed it): its answer."""
    from django.contrib.auth import get_user_model

    from apps.innovation_action.services.periods import named

    done = remind_late(get_user_model().objects.get(pk=user_id), named(period_name), note)
    return {"documents": done.documents, "reminders": done.reminders, "skipped": done.skipped, "message": done.message}
