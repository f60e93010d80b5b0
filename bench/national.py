"""National scale: a plan of 3,000 assessees in 30 categories × 20 indicators × 4 quarters.

On its own MariaDB site ``national`` (database innovation_action_national, Redis db 13; the site
config is written like bench/api_http.py writes the one of ``bench``), through the app's services:

- setup (skipped by ``--skip-setup``): the plan as a fixtures folder loaded by the plan loader
  (services/plan_loader.py), every quarter opened by ``periods.open_period`` (one 自评报告 per
  assessee, created through ``save_document``), the values filled in bulk (one UPDATE per kind
  of indicator, as an import of the values would leave them) and the 自评分 computed;
- the quarter: its documents put under review (a bulk state change, as 3,000 提交 would leave
  them), the 初审得分 computed (``scoring.recompute_period``), every document approved
  (``scoring.freeze``, what the final workflow action runs) and the quarter ranked
  (``ranking.rerank_period``);
- the 季度排名通报 of the quarter through the print engine (about 100 pages);
- an xlsx of 10,000 projects through the Data Import (a dry run, then the import).

Each measured step runs in a child process of its own: wall time and the child's peak memory
(ru_maxrss, Django included). Baselines, in the same run: one SQL aggregate (SUM … GROUP BY
with RANK() over the same line rows), plain reportlab drawing the same text on the same number
of pages, openpyxl reading the same file.

    .venv/bin/python bench/national.py                 # set up the site, then measure
    .venv/bin/python bench/national.py --skip-setup    # measure again on the site as it is
    .venv/bin/python bench/national.py --categories 3 --per-category 20 --rows 500   # a quick look
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SITE, REDIS_DB = "national", 13
YEAR = 2023
TARGETS = {"score": (5.0, 512), "notice": (3.0, None), "import": (10.0, None)}


# ---------------------------------------------------------------- the parent: set up, run the steps, print


def step(name: str, args) -> dict:
    """Run ``name`` in a child process on the site; its last output line is a JSON result."""
    env = {**os.environ, "SITE": args.site, "DJANGO_SETTINGS_MODULE": "sites.settings"}
    command = [PYTHON, str(Path(__file__)), "--step", name, *child_args(args)]
    result = subprocess.run(command, cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE)
    return json.loads(result.stdout.strip().splitlines()[-1])


def child_args(args) -> list[str]:
    return [
        "--site",
        args.site,
        "--categories",
        str(args.categories),
        "--per-category",
        str(args.per_category),
        "--rows",
        str(args.rows),
        "--quarter",
        str(args.quarter),
        "--quarters",
        str(args.quarters),
    ]


def ratio_row(label, measured, baseline, target):
    seconds, memory = measured["seconds"], measured["maxrss_mb"]
    limit_s, limit_mb = target
    met = seconds < limit_s and (limit_mb is None or memory < limit_mb)
    limit = f"< {limit_s:g} s" + (f", < {limit_mb} MB" if limit_mb else "")
    ratio = seconds / baseline["seconds"] if baseline["seconds"] else float("inf")
    return [
        [label, f"{seconds:.2f}", f"{memory:.0f}", f"{ratio:.0f}×", limit, "yes" if met else "NO"],
        [f"  baseline: {baseline['what']}", f"{baseline['seconds']:.3f}", f"{baseline['maxrss_mb']:.0f}", "", "", ""],
    ]


def print_table(rows):
    header = ["", "time (s)", "peak RSS (MB)", "ratio", "target", "met"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def main():
    args = parse_args()
    if args.step:
        return run_child(args)
    from bench.api_http import ensure_site, manage

    ensure_site(args.site, REDIS_DB)
    load = os.getloadavg()
    print(f"站点 {args.site}；{args.categories} 类 × {args.per_category} 个考评对象；负载 {load[0]:.1f}", flush=True)
    if not args.skip_setup:
        started = time.monotonic()
        manage(args.site, "manage.py", "migrate", "--noinput", "-v0")
        setup = step("setup", args)
        print(f"准备数据用时 {time.monotonic() - started:.0f} 秒：{setup['message']}", flush=True)
    quarter = step("quarter", args)
    print(f"第{args.quarter}季度：{quarter['message']}", flush=True)
    sql = step("sql", args)
    notice, drawn = step("notice", args), step("reportlab", args)
    imported, read = step("import", args), step("openpyxl", args)
    score = {
        "seconds": quarter["score_seconds"] + quarter["rank_seconds"],
        "maxrss_mb": quarter["maxrss_mb"],
    }
    rows = [
        *ratio_row(
            f"score {quarter['documents']} documents + rank ({quarter['score_seconds']:.2f} + {quarter['rank_seconds']:.2f} s)",
            score,
            sql,
            TARGETS["score"],
        ),
        *ratio_row(
            f"notice, {notice['pages']} pages (print engine; CPU {notice['cpu_seconds']:.2f} s)",
            notice,
            drawn,
            TARGETS["notice"],
        ),
        *ratio_row(
            f"import {imported['rows']} rows (dry run {imported['dry_run_seconds']:.1f} s + import)",
            imported,
            read,
            TARGETS["import"],
        ),
    ]
    print()
    print_table(rows)
    print(f"\n负载（1/5/15 分钟）：{' / '.join(f'{x:.1f}' for x in os.getloadavg())}；开始时 {load[0]:.1f}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=SITE)
    parser.add_argument("--skip-setup", action="store_true", help="reuse the site's plan, periods and values")
    parser.add_argument("--categories", type=int, default=30)
    parser.add_argument("--per-category", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the imported xlsx")
    parser.add_argument("--quarter", type=int, default=1, help="the quarter scored, approved, ranked and printed")
    parser.add_argument("--quarters", type=int, default=4, help="quarters opened and filled by the setup")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    return parser.parse_args()


# ---------------------------------------------------------------- the children


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def done(**result):
    result.setdefault("maxrss_mb", maxrss_mb())
    print(json.dumps(result, ensure_ascii=False), flush=True)


def run_child(args):
    import django

    django.setup()
    globals()[f"child_{args.step}"](args)


def category_names(args) -> list[str]:
    return [f"第{n}类" for n in range(1, args.categories + 1)]


def plan_folder(args, folder: Path) -> None:
    """The national plan as the plan loader reads it (fixtures/ganzhou-2023 is the model)."""
    import yaml

    def write(name, data):
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    write(
        "plan",
        {
            "name": str(YEAR),
            "year": YEAR,
            "title": f"{YEAR}年全国科技创新赋能行动工作方案（规模测试）",
            "document_number": f"国科赋字〔{YEAR}〕1号",
            "issuer": "全国科技创新赋能行动领导小组",
            "issue_date": f"{YEAR}-02-21",
            "action_name": "科技创新赋能行动",
            "assessing_office": "领导小组办公室",
            "notice_addressees": "各县（市、区）科技创新赋能行动领导小组",
            "units_addressee": "有关单位",
        },
    )
    categories = category_names(args)
    write(
        "categories",
        [
            {"short_name": c, "title": f"{c}县（市、区）", "type": "County", "praised": 3, "interviewed": 1}
            for c in categories
        ],
    )
    write(
        "counties",
        {c: [{"name": f"{c}第{i:03d}县"} for i in range(1, args.per_category + 1)] for c in categories},
    )
    write("units", [])
    write("tasks", {"sections": [], "tasks": []})
    write("projects", {"sections": [], "projects": []})
    ratio = [
        {"number": n, "title": f"创新指标{n}", "points": 5, "scoring": {"method": "ratio_to_best"}}
        for n in range(1, 13)
    ]
    completion = [
        {"number": n, "title": f"目标指标{n}", "points": 5, "scoring": {"method": "completion_rate", "target": 100}}
        for n in range(13, 17)
    ]
    manual = [{"number": n, "title": f"评价指标{n}", "points": 5} for n in range(17, 21)]
    write(
        "indicators",
        {
            "县级": [
                {"title": "科技创新指标", "short_title": "科技创新", "points": 60, "indicators": ratio},
                {"title": "目标任务", "short_title": "目标任务", "points": 20, "indicators": completion},
                {"title": "综合评价", "short_title": "综合评价", "points": 20, "indicators": manual},
            ]
        },
    )
    quarters = [(f"{YEAR}-01-01", f"{YEAR}-03-31"), (f"{YEAR}-04-01", f"{YEAR}-06-30")]
    quarters += [(f"{YEAR}-07-01", f"{YEAR}-09-30"), (f"{YEAR}-10-01", f"{YEAR}-12-31")]
    write("periods", [{"kind": "季度", "number": n, "start": s, "end": e} for n, (s, e) in enumerate(quarters, 1)])


def bench_user():
    from django.contrib.auth.models import User

    user, _ = User.objects.get_or_create(username="national", defaults={"is_staff": True, "is_superuser": True})
    return user


def quarters():
    from apps.innovation_action.models import AssessmentPeriod, PeriodKind

    return list(AssessmentPeriod.objects.filter(kind=PeriodKind.QUARTER, start_date__year=YEAR).order_by("number"))


def fill(period) -> None:
    """Every line's value (indicators 1–16) or 自评分 (17–20), deterministic and spread, in bulk."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Cast, Mod

    from apps.innovation_action.models import SelfAssessment, SelfAssessmentLine

    # By the documents' ids: a single-table UPDATE (a joined one makes MariaDB write a temporary table).
    ids = list(SelfAssessment.objects.filter(period=period).values_list("pk", flat=True))
    lines = SelfAssessmentLine.objects.filter(assessment_id__in=ids)
    lines.filter(indicator__number__lte=16).update(
        value=Cast(Mod(F("id") * 37 + F("idx") * 11, 997) / Value(10) + 1, CharField())
    )
    lines.filter(indicator__number__gt=16).update(self_score=Mod(F("id"), 6))


def child_setup(args):
    from apps.innovation_action.services import periods, scoring
    from apps.innovation_action.services.plan_loader import load_plan

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        plan_folder(args, Path(folder))
        from django.db import transaction

        with transaction.atomic():
            load_plan(folder)
    loaded = time.monotonic() - started
    user, opened = bench_user(), []
    for period in quarters()[: args.quarters]:
        started_q = time.monotonic()
        result = periods.open_period(user, period)
        fill(period)
        scoring.recompute_period(period)  # the 自评分 of every draft
        opened.append(f"{period.name} {result.message}（{time.monotonic() - started_q:.0f} 秒）")
    done(message=f"方案 {loaded:.0f} 秒；" + "；".join(opened))


def the_quarter(args):
    return next(p for p in quarters() if p.number == args.quarter)


def child_quarter(args):
    """Under review, 初审得分 (measured), approved, ranked (measured)."""
    from django.db import transaction

    from apps.innovation_action.models import Score, SelfAssessment, SelfAssessmentLine
    from apps.innovation_action.services import ranking, scoring

    period, user = the_quarter(args), bench_user()
    documents = SelfAssessment.objects.filter(period=period)
    # As a first review finds them: no 初审得分 yet. Approved Scores are kept: approving again replaces
    # them, as the app does (deleting 3,000 Scores writes 63,000 history rows).
    with transaction.atomic():
        documents.update(workflow_state="待初审", reviewed_total=None)
        SelfAssessmentLine.objects.filter(assessment_id__in=list(documents.values_list("pk", flat=True))).update(
            reviewed_score=None, reviewed_note="", reviewed_computed=None, reviewed_overridden=False
        )
    started = time.monotonic()
    scoring.recompute_period(period)
    score_seconds = time.monotonic() - started
    rss_scored = maxrss_mb()
    print(f"初审得分 {score_seconds:.2f} 秒，{rss_scored:.0f} MB；审定中……", file=sys.stderr, flush=True)

    started = time.monotonic()
    documents.update(workflow_state="待审定")
    scorers = {}  # one category's at a time: the documents come category by category
    for document in documents.select_related("county", "period"):
        category = scoring.category_of(document)
        if category not in scorers:
            scorers = {category: scoring.CategoryScorer(period, category, scoring.Stage.REVIEWED)}
        scoring.freeze(document, user, scorers[category])
    documents.update(workflow_state="已审定")
    approve_seconds = time.monotonic() - started

    started = time.monotonic()
    ranking.rerank_period(period)
    rank_seconds = time.monotonic() - started
    count = documents.count()
    praised = Score.objects.filter(period=period, outcome="表扬").count()
    done(
        documents=count,
        score_seconds=score_seconds,
        rank_seconds=rank_seconds,
        maxrss_mb=rss_scored,  # the scoring's peak (ru_maxrss only grows: the approvals come after it)
        approve_maxrss_mb=maxrss_mb(),
        message=(
            f"{count} 份计算初审得分 {score_seconds:.1f} 秒（{rss_scored:.0f} MB），审定 {approve_seconds:.0f} 秒，"
            f"排名 {rank_seconds:.1f} 秒；予以表扬 {praised} 个"
        ),
    )


def child_sql(args):
    """The baseline: one aggregate over the same line rows, ranked within the categories."""
    from django.db import connection

    from apps.innovation_action.models import PlanAssessee, SelfAssessment, SelfAssessmentLine

    period = the_quarter(args)
    line, document, member = (m._meta.db_table for m in (SelfAssessmentLine, SelfAssessment, PlanAssessee))
    sql = f"""
        SELECT d.id, m.category_id, SUM(l.reviewed_score) AS total,
               RANK() OVER (PARTITION BY m.category_id ORDER BY SUM(l.reviewed_score) DESC) AS place
        FROM {line} l
        JOIN {document} d ON d.id = l.assessment_id
        JOIN {member} m ON m.county_id = d.county_id AND m.plan_id = %s
        WHERE d.period_id = %s
        GROUP BY d.id, m.category_id"""
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.plan_id, period.pk])
        rows = cursor.fetchall()
    done(seconds=time.monotonic() - started, rows=len(rows), what=f"one SQL SUM/GROUP BY + RANK() ({len(rows)} rows)")


def results(name: str) -> Path:
    """A file the steps hand on (the notice, the workbook), in bench/results/ (not in git)."""
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{os.environ['SITE']}_{name}"


def notice_pdf() -> Path:
    return results("notice.pdf")


def child_notice(args):
    from apps.lowcode.print_format.service import print_document

    period, user = the_quarter(args), bench_user()
    started, cpu = time.monotonic(), time.process_time()
    printed = print_document(user, "Assessment Period", period.name, "季度排名通报")
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    notice_pdf().write_bytes(printed.pdf)
    done(seconds=seconds, cpu_seconds=cpu, pages=printed.pages)


def child_reportlab(args):
    """The baseline: the notice's text (pdftotext), drawn line by line on as many pages with reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    text = subprocess.run(["pdftotext", "-layout", str(notice_pdf()), "-"], check=True, capture_output=True, text=True)
    pages = text.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    started, cpu = time.monotonic(), time.process_time()
    pdfmetrics.registerFont(TTFont("Song", "/usr/share/fonts/truetype/arphic/uming.ttc", subfontIndex=0))
    out = Path(tempfile.gettempdir()) / "national_reportlab.pdf"
    pdf = canvas.Canvas(str(out), pagesize=A4)
    for page in pages:
        pdf.setFont("Song", 10)
        y = A4[1] - 40
        for line in page.splitlines():
            pdf.drawString(30, y, line)
            y -= 12
        pdf.showPage()
    pdf.save()
    cpu = time.process_time() - cpu
    done(seconds=time.monotonic() - started, what=f"plain reportlab, same text ({len(pages)} pages; CPU {cpu:.2f} s)")


def import_file(args) -> Path:
    return results(f"projects_{args.rows}.xlsx")


def project_rows(args, header):
    """The rows of the imported workbook, by the template's labels: 10,000 new projects."""
    from apps.innovation_action.models import County

    counties = list(County.objects.order_by("pk").values_list("name", flat=True)[:300])
    for number in range(1, args.rows + 1):
        row = {
            "工作方案": str(YEAR),
            "项目类型": "新开工",
            "序号": number,
            "项目名称": f"规模测试项目{number}",
            "隶属": counties[number % len(counties)],
            "类别": "科技创新平台",
            "建设内容或建设规模": "建设研发中心",
            "开工年月": f"{YEAR}-03-01",
            "竣工年月": f"{YEAR + 1}-12-01",
            "建设单位": f"某某公司{number % 50}",
            "总投资（万元）": 1000 + number % 300,
            "年度投资计划（万元）": 300 + number % 100,
        }
        yield [row.get(title) for title in header]


def child_import(args):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from apps.innovation_action.models import Project
    from apps.lowcode.data_import import import_workbook, template

    user = bench_user()
    Project.objects.filter(plan__name=str(YEAR)).delete()
    workbook = load_workbook(io.BytesIO(template(user, "Project")))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in project_rows(args, header):
        sheet.append(row)
    workbook.save(import_file(args))
    data = import_file(args).read_bytes()

    def upload():
        return SimpleUploadedFile("项目.xlsx", data, content_type="application/octet-stream")

    started = time.monotonic()
    trial = import_workbook(user, "Project", upload(), dry_run=True)
    dry = time.monotonic() - started
    if trial.errors:
        sys.exit(f"试导入有错误：{trial.errors[:3]}")
    report = import_workbook(user, "Project", upload(), dry_run=False, all_or_nothing=True)
    seconds = time.monotonic() - started
    created = sum(1 for r in report.rows if r.status == "新建")
    if created != args.rows:
        sys.exit(f"应新建 {args.rows} 行，实际 {created} 行")
    done(seconds=seconds, dry_run_seconds=dry, rows=created)


def child_openpyxl(args):
    from openpyxl import load_workbook

    started = time.monotonic()
    workbook = load_workbook(import_file(args), read_only=True)
    rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    done(seconds=time.monotonic() - started, what=f"openpyxl reading the file ({rows} rows)")


if __name__ == "__main__":
    main()
