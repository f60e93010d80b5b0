"""Two people saving the same document at the same moment: exactly one wins."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from apps.lowcode.api.docs import doc_to_dict, save_document
from apps.lowcode.api.errors import TimestampMismatchError
from apps.lowcode.doctype.meta import get_meta
from apps.innovation_action.models import Project
from apps.innovation_action.services.demo_accounts import create_demo_accounts
from apps.innovation_action.services.plan_loader import load_plan
from tests.conftest import PLAN_FOLDER

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_updates_with_the_same_modified(settings):
    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    meta = get_meta("Project")
    seen = doc_to_dict(Project.objects.get(name="2023-P03"))["modified"]
    office = User.objects.get(username="office")
    barrier = threading.Barrier(2)
    outcomes = {}

    def edit(leader):
        try:
            barrier.wait()
            save_document(office, meta, {"responsible_leader": leader, "modified": seen}, name="2023-P03")
            outcomes[leader] = "saved"
        except TimestampMismatchError:
            outcomes[leader] = "refused"
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=edit, args=(leader,)) for leader in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["refused", "saved"], outcomes
    winner = next(leader for leader, outcome in outcomes.items() if outcome == "saved")
    project = Project.objects.get(name="2023-P03")
    assert project.responsible_leader == winner
    assert project.history.count() == 2  # the load, then exactly one edit
