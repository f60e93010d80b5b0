"""Document events of SelfAssessment (registered in apps/innovation_action/hooks.py)."""

from apps.innovation_action.doctype.self_assessment.model import SelfAssessmentLine


def prefill_lines(assessment, **context) -> None:
    """A new self-assessment gets one line per indicator of its scheme, unless the client sent lines."""
    if assessment.lines.exists():
        return
    user = context.get("user")
    SelfAssessmentLine.objects.bulk_create([
        SelfAssessmentLine(assessment=assessment, indicator=indicator, idx=idx,
                           name=f"{assessment.name}-{indicator.number:02d}", owner=user, modified_by=user)
        for idx, indicator in enumerate(assessment.indicators().order_by("number"), start=1)
    ])


def update_totals(assessment, **context) -> None:
    assessment.update_totals()
