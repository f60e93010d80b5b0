"""What a workflow action and the 待我处理 inbox cost over the bare database work they wrap.

Each scenario's median is reported with its ratio to a baseline measured in
the same run, so the ratios compare across machines:
- an action (提交 then 退回修改, reported per action) against saving the same
  document's state fields with the ORM, which is the write the engine must do;
- the office's inbox over every county's assessment waiting in 待初审 against
  the ORM query that lists them.

    SITE=default .venv/bin/python bench/workflow.py [--repeat 50]
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402

from apps.innovation_action.models import County, SelfAssessment  # noqa: E402
from apps.lowcode.doctype.meta import get_meta  # noqa: E402
from apps.lowcode.document.service import save_document  # noqa: E402
from apps.lowcode.workflow import engine  # noqa: E402
from bench.api_list import report  # noqa: E402

PERIOD = "2023-Q4"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    repeat = parser.parse_args().repeat
    office = User.objects.get(username="office")
    county_user = User.objects.get(username="zhanggong")
    meta = get_meta("SelfAssessment")

    # One assessment per county; all but 章贡区's are put straight into 待初审 for the inbox.
    SelfAssessment.objects.filter(period__name=PERIOD).delete()
    for county in County.objects.exclude(name="章贡区"):
        doc = save_document(office, meta, {"period": PERIOD, "county": county.name})
        SelfAssessment.objects.filter(pk=doc.pk).update(workflow_state="待初审", docstatus=1)
    mine = save_document(county_user, meta, {"period": PERIOD, "county": "章贡区"})
    mine.lines.update(self_score=1)  # a complete self-assessment: submitting needs every line scored

    def orm_state_write():
        with transaction.atomic():
            doc = SelfAssessment.objects.select_for_update().get(pk=mine.pk)
            doc.save(update_fields=["workflow_state", "docstatus", "modified", "modified_by"])

    def submit_and_return():
        engine.apply_workflow(county_user, SelfAssessment, mine.name, "提交")
        engine.apply_workflow(office, SelfAssessment, mine.name, "退回修改", "基准测试")

    def orm_inbox():
        list(SelfAssessment.objects.filter(workflow_state="待初审").order_by("modified"))

    def inbox():
        assert len(engine.pending_documents(office)) >= 19

    scenarios = {
        "ORM save of a document's state (baseline)": (orm_state_write, 1),
        "apply_workflow, per action": (submit_and_return, 2),
        "ORM list of 19 documents in 待初审 (baseline)": (orm_inbox, 1),
        "待我处理 of the office, 19 documents": (inbox, 1),
    }
    try:
        report(scenarios, repeat)
    finally:
        SelfAssessment.objects.filter(period__name=PERIOD).delete()


if __name__ == "__main__":
    main()
