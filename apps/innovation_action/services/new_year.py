"""复制为新年度方案: start a new year from last year's plan in one action, then edit it.

The office sets up each year's plan much like the last: the same kinds of
tasks, units and indicators, with changes. Copying gives it a complete draft
to edit instead of a blank one. Copied, as the plan owns them:
- the plan's header and its child tables (总体目标), with the new year;
- its tasks with their 牵头/责任单位 rows and each unit's liaison;
- its indicator groups and indicators with their scoring configuration and
  bonus rules, and which of them a county scores by the category average;
- its assessment periods (month, quarter, year), dates moved to the new year.

Not copied, and why:
- projects (项目清单): the list is drawn up anew each year (typed or imported);
- the year's work: self-assessments, monthly reports, scores, official values,
  integrity cases, issued notices;
- counties, units and liaisons: one set for every year; the new plan's task
  rows point to the same records, so a liaison changed once is changed for both;
- workflows and print formats: they belong to a doctype, not to a plan, so
  the new plan's documents use the ones in force.

Fields are copied generically (every concrete field but the record's own
bookkeeping), so a field added to a doctype later is copied without a change
here. Records are created as the office would create them: named by their
naming rule (2024, 2024-T01, 2024-C-01, 2024-Q1), owned by the user, entered
into their workflow's first state if an administrator attached one, with a
history entry, and the apps' document events.
"""

import calendar
import copy
import re
from datetime import date

from django.db import IntegrityError, transaction

from apps.innovation_action import roles
from apps.innovation_action.models import ActionPlan, County, Indicator
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document import lifecycle
from apps.lowcode.exceptions import (
    DoesNotExistError,
    DuplicateEntryError,
    PermissionError,
    ValidationError,
)
from apps.lowcode.permissions import can

FIRST_YEAR, LAST_YEAR = 2000, 2100
# The record's bookkeeping: a copy is a new record with its own (Frappe's standard fields).
RECORD_FIELDS = {"name", "owner", "creation", "modified", "modified_by", "docstatus", "workflow_state"}


# ------------------------------------------------------------------ generic copying


def field_values(source, skip=()) -> dict:
    """Every concrete field of ``source`` by attname (links as ids), but the pk, the bookkeeping and ``skip``.

    Values are deep-copied: a JSON field's dict must not be shared between the two records.
    """
    return {
        f.attname: copy.deepcopy(getattr(source, f.attname))
        for f in type(source)._meta.concrete_fields
        if not f.primary_key and f.name not in RECORD_FIELDS and f.name not in skip and f.attname not in skip
    }


def stamped(record, user, reason: str):
    """Owner and history for a record created on the user's behalf (simple-history reads these outside a request)."""
    record.owner = record.modified_by = user
    record._history_user = user
    record._change_reason = reason
    return record


def copy_document(source, user, reason: str, **overrides):
    """A new top-level record like ``source``, with its child tables, ``overrides`` applied, saved as by hand.

    The child tables are found from the doctype's metadata, so a table added later is copied too.
    """
    meta = get_meta(type(source).doctype)
    # Overrides by field name (plan=…) replace the copied value, which is keyed by attname (plan_id).
    record = stamped(type(source)(**field_values(source, skip=set(overrides)), **overrides), user, reason)
    lifecycle.before_save(user, record, creating=True)  # the workflow's first state, if the doctype has one
    record.save()
    for table in meta.tables.values():
        for row in getattr(source, table.fieldname).all():
            child = type(row)(**field_values(row, skip={table.parent_fk}), **{table.parent_fk: record})
            stamped(child, user, reason).save()
    lifecycle.after_save(user, record, creating=True)  # logs the creation, runs after_insert/on_update
    return record


def shift_years(day: date | None, years: int) -> date | None:
    """The same day ``years`` later; the last day of a month stays the last (2023-02-28 → 2024-02-29),
    because periods end on it."""
    if day is None:
        return None
    year = day.year + years
    month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return day.replace(year=year, day=calendar.monthrange(year, day.month)[1] if month_end else day.day)


# ------------------------------------------------------------------ checks


def may_copy(user) -> bool:
    """Those who may add a plan (the office, administrators) start a new year; the copy brings the
    indicator configuration along unchanged, which the office could not add by hand."""
    return can(user, "create", ActionPlan)


def ensure_can_copy(user) -> None:
    if not may_copy(user):
        raise PermissionError(f"没有复制年度工作方案的权限（需{roles.office_or_administrator()}）")


def parse_year(value) -> int:
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    if not re.fullmatch(r"\d{4}", text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise ValidationError(f"年度“{str(value)[:20]}”无效，请填写 {FIRST_YEAR} 至 {LAST_YEAR} 之间的四位年份")
    return int(text)


def source_plan(plan) -> ActionPlan:
    """The plan to copy, by record or name, read afresh (it may have been deleted meanwhile)."""
    name = plan.name if isinstance(plan, ActionPlan) else str(plan or "").strip()
    found = ActionPlan.objects.filter(name=name).first() if name else None
    if found is None:
        raise DoesNotExistError(f"年度工作方案 {name or '（未指定）'} 不存在")
    return found


def ensure_year_free(year: int) -> None:
    existing = ActionPlan.objects.filter(year=year).first() or ActionPlan.objects.filter(name=str(year)).first()
    if existing is not None:
        raise DuplicateEntryError(f"{year} 年度已有工作方案（{existing.title}），不能重复复制")


def clean_title(title) -> str:
    if title is None:
        return ""
    if not isinstance(title, str):
        raise ValidationError("方案标题应为文本")
    limit = ActionPlan._meta.get_field("title").max_length
    if len(title.strip()) > limit:
        raise ValidationError(f"方案标题不能超过 {limit} 个字")
    return title.strip()


def default_title(plan: ActionPlan, year: int) -> str:
    """ "2023年某市…工作方案" → "2024年某市…工作方案"; a title without its year stays as it is."""
    return plan.title.replace(f"{plan.year}年", f"{year}年")


# ------------------------------------------------------------------ the copy


@transaction.atomic
def copy_plan(plan, year, user, title=None) -> ActionPlan:
    """Copy ``plan`` (a record or its name) to ``year``; all or nothing. Returns the new plan."""
    ensure_can_copy(user)
    source = source_plan(plan)
    year = parse_year(year)
    ensure_year_free(year)
    title = clean_title(title) or default_title(source, year)
    reason = f"复制自 {source.years_text} 年度方案"
    try:
        with transaction.atomic():  # a copy of the same year committed meanwhile: a clear refusal
            new = copy_plan_header(source, year, title, user, reason)
    except IntegrityError:
        raise DuplicateEntryError(f"{year} 年度已有工作方案，不能重复复制") from None
    copy_categories(source, new, user, reason)
    copy_tasks(source, new, user, reason)
    copy_indicators(source, new, user, reason)
    copy_periods(source, new, user, reason)
    return new


def copy_plan_header(source: ActionPlan, year: int, title: str, user, reason: str) -> ActionPlan:
    """The header for the new year; not issued yet, so no 发文字号 or 成文日期. The 印发通知 names
    the plan by its title: it follows the new one."""
    notice_title = source.notice_title.replace(source.title, title)
    limit = ActionPlan._meta.get_field("notice_title").max_length
    if len(notice_title) > limit:  # a long new title does not fit: only the year changes, as in a default title
        notice_title = source.notice_title.replace(f"{source.year}年", f"{year}年")
    years = year - source.start_date.year
    return copy_document(
        source,
        user,
        reason,
        name=str(year),
        start_date=shift_years(source.start_date, years),
        end_date=shift_years(source.end_date, years),
        title=title,
        notice_title=notice_title,
        notice_body=source.notice_body.replace(source.title, title),
        document_number="",
        issue_date=None,
    )


def copy_categories(source: ActionPlan, new: ActionPlan, user, reason: str) -> None:
    """The same categories and assessees: who takes part, and how they are ranked, carries over."""
    copies = {}
    for category in source.categories.order_by("order", "id"):
        copies[category.pk] = copy_document(category, user, reason, plan=new)
    for assessee in source.assessees.order_by("id"):
        copy_document(assessee, user, reason, plan=new, category=copies[assessee.category_id])


def copy_tasks(source: ActionPlan, new: ActionPlan, user, reason: str) -> None:
    for task in source.tasks.order_by("number"):
        copy_document(task, user, reason, plan=new)


def copy_indicators(source: ActionPlan, new: ActionPlan, user, reason: str) -> None:
    copies = {}
    for group in source.indicator_groups.order_by("scheme", "order"):
        new_group = copy_document(group, user, reason, plan=new)
        for indicator in group.indicators.order_by("number"):
            copies[indicator.pk] = copy_document(indicator, user, reason, group=new_group)
    copy_averaged_indicators(copies)


def copy_averaged_indicators(copies: dict[int, Indicator]) -> None:
    """附件3's 蓉江新区 rule is set per indicator on the county: it scores the new year's copies alike."""
    for county in County.objects.filter(averaged_indicators__in=list(copies)).distinct():
        averaged = county.averaged_indicators.filter(pk__in=list(copies)).values_list("pk", flat=True)
        county.averaged_indicators.add(*(copies[pk] for pk in averaged))


def copy_periods(source: ActionPlan, new: ActionPlan, user, reason: str) -> None:
    """The same months, quarters and year, moved to the new year; not opened yet (no documents exist).
    A deadline the office set moves with its period, and the plan's deadline rules come along.

    Not plan_loader.load_periods: it builds periods from fixture rows (kind, number, start, end) and
    would drop the deadline and any field added later; the rules of a period (its name 2024-Q1, its
    title) are its model's, and apply here as there.
    """
    years = new.start_date.year - source.start_date.year
    for period in source.periods.order_by("start_date", "-end_date"):
        copy_document(
            period,
            user,
            reason,
            plan=new,
            start_date=shift_years(period.start_date, years),
            end_date=shift_years(period.end_date, years),
            deadline=shift_years(period.deadline, years),
            opened_at=None,
        )
    for rule in source.deadline_rules.order_by("pk"):  # 报送截止规则 hold for every year of a plan alike
        copy_document(rule, user, reason, plan=new)


def copy_summary(plan: ActionPlan) -> str:
    """ "重点任务 29 项、考评指标 20 项、考评周期 17 个": what a plan holds, for the success message."""
    indicators = Indicator.objects.filter(group__plan=plan).count()
    return f"重点任务 {plan.tasks.count()} 项、考评指标 {indicators} 项、考评周期 {plan.periods.count()} 个"
