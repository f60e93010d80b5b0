"""A query compiled once (apps/lowcode/prepared.py) answers what the ordinary queryset answers.

Run after run, with other values and shapes (None, lists of other lengths), model instances with
their select_related objects and annotations, values_list tuples and a UNION, on MariaDB as in
production; the SQL is built once per shape, and a query it cannot prepare is run the ordinary way.
"""

import pytest
from django.db import connection, connections
from django.db.models import Count, Subquery
from django.test.utils import CaptureQueriesContext

from apps.innovation_action.models import County, Indicator, PlanAssessee
from apps.innovation_action.services import scoring
from apps.lowcode import prepared
from tests.test_scoring import create

pytestmark = pytest.mark.django_db

BUILT = []


def counties_with_plan(category_id, county_ids):
    BUILT.append((category_id, tuple(county_ids)))
    own = PlanAssessee.objects.filter(category_id=category_id, county__isnull=False)
    return (
        County.objects.filter(pk__in=own.values("county"))
        .filter(pk__in=county_ids)
        .annotate(first_category=Subquery(own.filter(county=1).values("category__short_name")[:1]))
        .order_by("name")
    )


def indicators_of(group_id):
    return Indicator.objects.filter(group_id=group_id).select_related("group__plan").order_by("number")


def county_names(county_id):
    return County.objects.filter(pk=county_id).values_list("name", flat=True)


def rows(objects):
    return [(o.pk, o.name, getattr(o, "first_category", None)) for o in objects]


def test_a_prepared_query_answers_as_the_queryset_does_for_every_value_and_shape(plan):
    BUILT.clear()
    categories = sorted({row.category_id for row in PlanAssessee.objects.filter(county__isnull=False)})
    counties = sorted(County.objects.values_list("pk", flat=True))
    for category in categories:
        for chosen in (counties, counties[:3], counties[5:8], counties[::2]):
            assert rows(prepared.run(counties_with_plan, category, chosen)) == rows(
                counties_with_plan(category, chosen)
            )
    # Built once per shape (with stand-ins) plus once per comparison above: never per run.
    shapes = {len(chosen) for chosen in (counties, counties[:3], counties[5:8], counties[::2])}
    assert len(BUILT) == len(shapes) + len(categories) * 4

    group = Indicator.objects.values_list("group_id", flat=True).first()
    got, expected = prepared.run(indicators_of, group), list(indicators_of(group))
    assert [(i.pk, i.title, i.group.title, i.group.plan.name) for i in got] == [
        (i.pk, i.title, i.group.title, i.group.plan.name) for i in expected
    ]
    with CaptureQueriesContext(connection) as captured:
        assert got[0].group.plan.name  # select_related objects came with the rows
    assert not captured.captured_queries
    assert prepared.run(county_names, counties[1]) == list(county_names(counties[1]))
    assert prepared.run(county_names, -1) == []


def test_the_scorers_lean_read_and_a_union_run_prepared_answer_as_before(plan):
    """The focused scorer's queries (documents, lines, indicators, claims, peers, official values) go
    through prepared.run; it scores as the full read does (tests/test_workflow_speed_paths.py compares
    every line) and a second scorer of the same shapes builds no SQL."""
    document = create("章贡区")
    period = document.period_id
    counties = sorted(County.objects.values_list("pk", flat=True))
    assert sorted(prepared.run(scoring.period_facts, period, counties)) == sorted(
        scoring.period_facts(period, counties)
    )
    first = scoring.CategoryScorer.of(document, scoring.Stage.SELF)
    cache = connections["default"].__dict__["_lowcode_prepared"]
    entries = dict(cache)
    second = scoring.CategoryScorer.of(document, scoring.Stage.SELF)
    assert dict(cache) == entries  # the same compiled queries, no new ones
    own = [(line.pk, result) for line, result in first.results(first.assessments[document.pk])]
    assert own == [(line.pk, result) for line, result in second.results(second.assessments[document.pk])]


def test_what_cannot_be_prepared_runs_as_an_ordinary_queryset(plan):
    def none_of(ids):
        return County.objects.filter(pk__in=ids)

    assert prepared.run(none_of, []) == []  # IN (): Django answers without the database

    def grouped(county_id):  # aggregates and all: still one compiled query
        return County.objects.filter(pk=county_id).annotate(n=Count("projects")).values_list("name", "n")

    county = County.objects.first()
    assert prepared.run(grouped, county.pk) == list(grouped(county.pk))

    with pytest.raises(TypeError):
        prepared.run(county_names, "章贡区")  # values are ids: integers, None or lists of integers
