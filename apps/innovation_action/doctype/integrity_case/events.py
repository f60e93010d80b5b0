"""Document events of Integrity Case: a case recorded, changed or removed re-ranks its plan's periods."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.innovation_action.doctype.integrity_case.model import IntegrityCase
from apps.innovation_action.services.ranking import rerank_plan


def rerank(case, **context) -> None:
    rerank_plan(case.plan)


@receiver(post_delete, sender=IntegrityCase, dispatch_uid="integrity_case_rerank")
def rerank_after_delete(sender, instance, **kwargs):
    rerank_plan(instance.plan)
