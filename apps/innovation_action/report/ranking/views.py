"""考评排名 in the admin: the ranking page and its Excel export.

The arranging is services/ranking_report.py's; these views pick the period,
render and send the file. Who sees what is the service's business too
(view permission on Score, then the user's scope).
"""

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from apps.innovation_action.doctype.score.model import Score
from apps.innovation_action.services.ranking_report import (
    find_period,
    periods_with_scores,
    ranking_table,
)
from apps.innovation_action.services.ranking_xlsx import export_filename, export_xlsx
from apps.lowcode.exceptions import DoesNotExistError
from apps.lowcode.permissions import ensure_can
from apps.lowcode.print_format.service import print_page_url

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request):
    try:
        return find_period(request.GET.get("period"))
    except DoesNotExistError as exc:
        raise Http404(exc.message) from None


@require_GET
def ranking(request):
    """The tables of one period (default: the latest with approved results), one per category."""
    ensure_can(request.user, "read", Score)  # also before anything is approved
    period = _period(request)
    periods = list(periods_with_scores())
    if period is not None and period not in periods:  # asked for by name, nothing approved yet
        periods.insert(0, period)
    tables = ranking_table(request.user, period) if period is not None else []
    return render(
        request,
        "innovation_action/report/ranking.html",
        {
            **admin.site.each_context(request),
            "title": f"{period.title}考评排名" if period else "考评排名",
            "period": period,
            "periods": periods,
            "tables": tables,
            # The period's notice (季度排名通报 / 年度考评结果通报): previewed and issued on its print page.
            "print_url": print_page_url(period) if period is not None else "",
        },
    )


@require_GET
def export(request):
    period = _period(request)
    if period is None:
        raise Http404("尚无审定的考评结果")
    response = HttpResponse(export_xlsx(request.user, period), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, export_filename(period))
    return response
