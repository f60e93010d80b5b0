"""Load a plan (counties, units, its categories and assessees, tasks, projects, indicators) from a fixtures folder.

A folder such as ``fixtures/ganzhou-2023/`` holds one YAML file per table of the
plan; what every site has whatever its plan (roles, default workflows, print formats)
is installed with it (services/site_defaults.py), and a folder may add workflows of
its own (an optional ``workflows.yaml``) and set the letterheads every site has to
its issuer's (an optional ``letter_heads.yaml``). Loading is idempotent: every
record is found by its natural key and updated in place, so a second load changes
nothing and a corrected file updates the records it names. Everything loads in one
transaction: a bad file leaves the database as it was.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from apps.innovation_action.doctype.deadline_rule.model import DeadlineBasis, DeadlineDocument, DeadlineRule
from apps.innovation_action.doctype.task_role.model import LEAD, RESPONSIBLE
from apps.innovation_action.models import (
    ActionPlan,
    AssesseeType,
    AssessmentCategory,
    AssessmentPeriod,
    BonusRule,
    County,
    Indicator,
    IndicatorGroup,
    Liaison,
    PeriodKind,
    PlanAssessee,
    PlanTarget,
    Project,
    Scheme,
    Task,
    TaskRole,
    TaskUnit,
    Unit,
    UnitKind,
    ValueSource,
)
from apps.innovation_action.services.site_defaults import (
    DefaultsDataError,
    install_defaults,
    install_task_roles,
    install_workflows,
)
from apps.lowcode.print_format import numbering
from apps.lowcode.print_format.loader import load_letter_heads
from apps.lowcode.print_format.model import LetterHead
from apps.lowcode.scoring.rules import Method
from apps.lowcode.website.model import WebsiteSettings

FILES = ("plan", "categories", "counties", "units", "tasks", "projects", "indicators", "periods")
OPTIONAL_FILES = ("workflows", "letter_heads", "deadlines")


class PlanDataError(ValueError):
    """A fixtures folder that cannot be loaded; the message says where, in Chinese."""


def read_folder(folder: Path) -> dict:
    folder = Path(folder)
    data = {}
    for stem in FILES + OPTIONAL_FILES:
        path = folder / f"{stem}.yaml"
        if not path.exists():
            if stem in OPTIONAL_FILES:
                continue
            raise PlanDataError(f"缺少数据文件：{path}")
        try:
            data[stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise PlanDataError(f"数据文件 {path.name} 格式错误：{exc}") from exc
    return data


@transaction.atomic
def load_plan(folder) -> ActionPlan:
    data = read_folder(folder)
    load_counties(data["counties"])
    units = load_units(data["units"])
    plan = load_plan_header(data["plan"])
    categories = load_categories(plan, data["categories"])
    load_assessees(plan, categories, data["counties"], data["units"])
    install_task_roles()  # before the tasks that name them
    load_tasks(plan, data["tasks"], units)
    load_projects(plan, data["projects"])
    load_indicators(plan, data["indicators"])
    load_averaged_indicators(plan, data["counties"])
    load_periods(plan, data["periods"])
    load_deadline_rules(plan, data.get("deadlines") or [])
    try:
        install_defaults()
        if data.get("workflows"):
            install_workflows(data["workflows"])
    except DefaultsDataError as exc:
        raise PlanDataError(str(exc)) from None
    if data.get("letter_heads"):
        load_letter_heads(data["letter_heads"].get("letter_heads", ()))
    take_plan_number(plan)
    load_site_settings(Path(folder))
    return plan


SITE_FIELDS = ("site_name", "organisation", "welcome_sign")


def load_site_settings(folder: Path) -> None:
    """site.yaml, when the folder has one: the jurisdiction's site name and footer (站点设置)."""
    path = folder / "site.yaml"
    if not path.exists():
        return
    values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = sorted(set(values) - set(SITE_FIELDS))
    if unknown:
        raise PlanDataError(f"site.yaml：未知的设置项 {'、'.join(unknown)}（可用：{'、'.join(SITE_FIELDS)}）")
    site = WebsiteSettings.objects.first() or WebsiteSettings()
    for field, value in values.items():
        setattr(site, field, str(value or ""))
    try:
        site.full_clean()
    except DjangoValidationError as exc:
        raise PlanDataError(f"site.yaml：{'；'.join(exc.messages)}") from None
    site.save()


def take_plan_number(plan: ActionPlan) -> None:
    """The plan's own 发文字号 (1号) is taken, so the next notice gets 2号."""
    for letter_head in LetterHead.objects.all():
        numbering.mark_used(letter_head.number_pattern, plan.document_number)


def upsert(model, lookup: dict, values: dict):
    """update_or_create that saves (and so writes history) only when something changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save()
    return obj


def load_counties(categories: dict) -> None:
    order = 0
    for counties in categories.values():
        for row in counties:
            order += 1
            upsert(County, {"name": row["name"]}, {"order": order, "aliases": row.get("aliases", "")})


def load_units(rows: list) -> dict[str, Unit]:
    units = {}
    for order, row in enumerate(rows, start=1):
        county = County.resolve(row["county"]) if row.get("county") else None
        units[row["name"]] = upsert(
            Unit,
            {"name": row["name"]},
            {
                "kind": row.get("kind", UnitKind.OTHER),
                "county": county,
                "order": order,
            },
        )
    return units


def load_plan_header(row: dict) -> ActionPlan:
    fields = {
        key: row.get(key, "")
        for key in (
            "title",
            "notice_title",
            "document_number",
            "issuer",
            "addressees",
            "notice_body",
            "preamble",
            "overall_targets",
            "safeguards",
            "action_name",
            "assessing_office",
            "notice_addressees",
            "units_addressee",
        )
    }
    year = row.get("year")
    fields["start_date"] = date.fromisoformat(str(row.get("start_date") or f"{year}-01-01"))
    fields["end_date"] = date.fromisoformat(str(row.get("end_date") or f"{year}-12-31"))
    fields["issue_date"] = date.fromisoformat(str(row["issue_date"])) if row.get("issue_date") else None
    plan = upsert(ActionPlan, {"name": str(row.get("name", year))}, fields)
    for idx, target in enumerate(row.get("targets", []), start=1):
        value = target.get("value")
        upsert(
            PlanTarget,
            {"plan": plan, "idx": idx},
            {
                "indicator": target["indicator"],
                "target": target["target"],
                "value": Decimal(str(value)) if value is not None else None,
                "unit": target.get("unit", ""),
            },
        )
    return plan


def load_categories(plan: ActionPlan, rows: list) -> dict[str, AssessmentCategory]:
    """The plan's ranking categories (categories.yaml), by short name."""
    categories = {}
    for order, row in enumerate(rows, start=1):
        try:
            kind = AssesseeType(row.get("type", AssesseeType.COUNTY))
        except ValueError:
            raise PlanDataError(f"categories.yaml 第{order}项：考评对象类型应为 County 或 Unit") from None
        categories[row["short_name"]] = upsert(
            AssessmentCategory,
            {"plan": plan, "short_name": row["short_name"]},
            {
                "title": row["title"],
                "order": order,
                "assessee_type": kind,
                "praised": row.get("praised", 3),
                "interviewed": row.get("interviewed", 1),
                "rule": row.get("rule", ""),
            },
        )
    return categories


def load_assessees(plan: ActionPlan, categories: dict, counties: dict, units: list) -> None:
    """Who takes part in the plan, in which category: counties.yaml lists counties under their category;
    units.yaml names a unit's category (``category``), or ``assessed: true`` for the plan's one unit category."""
    unit_categories = [c for c in categories.values() if c.assessee_type == AssesseeType.UNIT]

    def category(short_name, kind, where) -> AssessmentCategory:
        found = categories.get(short_name)
        if found is None or found.assessee_type != kind:
            raise PlanDataError(f"{where}：考评分类“{short_name}”不在 categories.yaml 中（或类型不符）")
        return found

    for short_name, rows in counties.items():
        for row in rows:
            upsert(
                PlanAssessee,
                {"plan": plan, "county": County.objects.get(name=row["name"])},
                {"category": category(short_name, AssesseeType.COUNTY, "counties.yaml"), "unit": None},
            )
    for row in units:
        short_name = row.get("category")
        if not short_name and row.get("assessed"):
            if len(unit_categories) != 1:
                raise PlanDataError(f"units.yaml {row['name']}：请用 category 指明考评分类")
            short_name = unit_categories[0].short_name
        if short_name:
            upsert(
                PlanAssessee,
                {"plan": plan, "unit": Unit.objects.get(name=row["name"])},
                {"category": category(short_name, AssesseeType.UNIT, "units.yaml"), "county": None},
            )


def unit_named(units: dict, name: str, where: str) -> Unit:
    try:
        return units[name]
    except KeyError:
        raise PlanDataError(f"{where}：单位“{name}”不在 units.yaml 中") from None


def task_role(name: str, where: str) -> TaskRole:
    role = TaskRole.named(name)
    if role is None:
        raise PlanDataError(f"{where}：职责“{name}”不是已有的任务职责")
    return role


def load_tasks(plan: ActionPlan, data: dict, units: dict) -> None:
    """Each task's ``lead_unit`` (牵头) and ``responsible_units`` (责任); ``other_units`` gives more roles by name
    ({配合: [市统计局]}). The task's lead unit follows from its 牵头 row."""
    sections = data["sections"]
    for row in data["tasks"]:
        where = f"任务清单第{row['number']}项"
        task = upsert(
            Task,
            {"plan": plan, "number": row["number"]},
            {
                "section_number": row["section"],
                "section": sections[row["section"] - 1],
                "title": row["title"],
                "content": row["content"],
                "lead_unit": unit_named(units, row["lead_unit"], where),
            },
        )
        liaisons = {
            li["unit"]: upsert(
                Liaison,
                {"unit": unit_named(units, li["unit"], where), "person_name": li["name"]},
                {"organization": li["org"], "department": li["department"]},
            )
            for li in row["liaisons"]
        }
        roles = [(row["lead_unit"], task_role(LEAD, where))]
        roles += [(name, task_role(RESPONSIBLE, where)) for name in row["responsible_units"]]
        for role_name, names in (row.get("other_units") or {}).items():
            roles += [(name, task_role(role_name, where)) for name in names]
        for idx, (name, role) in enumerate(roles, start=1):
            upsert(
                TaskUnit,
                {"task": task, "unit": unit_named(units, name, where), "role": role},
                {"idx": idx, "liaison": liaisons.get(name)},
            )


def month_start(text: str) -> date:
    year, month = str(text).split("-")
    return date(int(year), int(month), 1)


def load_projects(plan: ActionPlan, data: dict) -> None:
    for row in data["projects"]:
        try:
            county = County.resolve(row["county"])
        except County.DoesNotExist as exc:
            raise PlanDataError(f"项目清单第{row['number']}项：{exc}") from None
        upsert(
            Project,
            {"plan": plan, "number": row["number"]},
            {
                "section": row["section"],
                "project_name": row["name"],
                "county": county,
                "category": row["category"],
                "project_code": row.get("code") or "",
                "content": row["content"],
                "start_month": month_start(row["start_month"]),
                "end_month": month_start(row["end_month"]),
                "construction_unit": row["construction_unit"],
                "total_investment": Decimal(str(row["total_investment"])),
                "planned_investment": Decimal(str(row["planned_investment"])),
                "responsible_leader": row.get("responsible_leader", ""),
            },
        )


def decimal_or_none(value):
    return Decimal(str(value)) if value is not None else None


def load_indicators(plan: ActionPlan, schemes: dict) -> None:
    for scheme_label, groups in schemes.items():
        scheme = Scheme(scheme_label)
        for order, group_row in enumerate(groups, start=1):
            group = upsert(
                IndicatorGroup,
                {"plan": plan, "scheme": scheme, "order": order},
                {
                    "title": group_row["title"],
                    "short_title": group_row.get("short_title", ""),
                    "points": Decimal(str(group_row["points"])),
                    "is_bonus": group_row.get("bonus", False),
                },
            )
            for row in group_row["indicators"]:
                indicator = upsert(
                    Indicator,
                    {"group": group, "number": row["number"]},
                    {
                        "title": row["title"],
                        "points": decimal_or_none(row.get("points")),
                        "scoring_standard": row.get("standard", ""),
                    },
                )
                configure_scoring(indicator, row.get("scoring"))
                for idx, rule in enumerate(row.get("bonus_rules", []), start=1):
                    upsert(
                        BonusRule,
                        {"indicator": indicator, "idx": idx},
                        {
                            "category": rule["category"],
                            "item": rule["item"],
                            "points": Decimal(str(rule["points"])),
                            "per_occurrence": rule.get("per_occurrence", True),
                        },
                    )


SCORING_DEFAULTS = {
    "scoring_method": Method.MANUAL,
    "value_source": ValueSource.REPORTED,
    "target": None,
    "floor": None,
    "cap": Decimal(1),
    "rank_step": None,
    "deduction": None,
    "formula": "",
    "higher_is_better": True,
}
SCORING_KEYS = {"method": "scoring_method", "source": "value_source", "step": "rank_step"}


def configure_scoring(indicator: Indicator, scoring: dict | None) -> None:
    """The fixture's scoring of an indicator, only while nobody has configured it (all fields at defaults):
    scoring belongs to administrators once set, and a reload must not undo their choices."""
    if not scoring or any(getattr(indicator, f) != v for f, v in SCORING_DEFAULTS.items()):
        return
    for key, value in scoring.items():
        field = SCORING_KEYS.get(key, key)
        if field not in SCORING_DEFAULTS:
            raise PlanDataError(f"indicators.yaml 第{indicator.number}项：未知的计分参数“{key}”")
        setattr(indicator, field, Decimal(str(value)) if isinstance(value, int | float) else value)
    indicator.full_clean(exclude=["group", "name"], validate_unique=False)
    indicator.save()


def load_averaged_indicators(plan: ActionPlan, categories: dict) -> None:
    """附件3: indicators a county cannot count separately (a new district, say), set once, then the administrators'."""
    for rows in categories.values():
        for row in rows:
            numbers = row.get("averaged_indicators")
            county = County.objects.get(name=row["name"])
            if numbers and not county.averaged_indicators.exists():
                county.averaged_indicators.set(
                    Indicator.objects.filter(group__plan=plan, group__scheme=Scheme.COUNTY, number__in=numbers)
                )


def load_periods(plan: ActionPlan, rows: list) -> None:
    for row in rows:
        kind = PeriodKind(row["kind"])
        start, end = date.fromisoformat(str(row["start"])), date.fromisoformat(str(row["end"]))
        # A plan over several years has a Q1 in each: a period is its kind and number within its year.
        lookup = {"plan": plan, "kind": kind, "number": row.get("number")}
        period = AssessmentPeriod.objects.filter(**lookup, start_date__year=start.year).first()
        if period is None:
            AssessmentPeriod.objects.create(**lookup, start_date=start, end_date=end)
        elif (period.start_date, period.end_date) != (start, end):
            period.start_date, period.end_date = start, end
            period.save()


def load_deadline_rules(plan: ActionPlan, rows: list) -> None:
    """报送截止规则 by their labels (月度调度, 月度, 次月第 N 日); created once, the office's changes kept."""
    documents = {label: value for value, label in DeadlineDocument.choices}
    bases = {label: value for value, label in DeadlineBasis.choices}
    for row in rows:
        where = f"deadlines.yaml：{row}"
        if row.get("document") not in documents or row.get("basis") not in bases:
            raise PlanDataError(f"{where}：单据类型应为{'、'.join(documents)}，截止方式应为{'、'.join(bases)}")
        lookup = {"plan": plan, "document_type": documents[row["document"]], "period_kind": PeriodKind(row["period"])}
        if DeadlineRule.objects.filter(**lookup).exists():
            continue
        rule = DeadlineRule(
            **lookup, basis=bases[row["basis"]], days=int(row["days"]), enabled=bool(row.get("enabled", True))
        )
        try:
            rule.full_clean()
        except DjangoValidationError as exc:
            raise PlanDataError(f"{where}：{'；'.join(exc.messages)}") from None
        rule.save()
