from django.core.management.base import BaseCommand, CommandError

from apps.innovation_action.services.plan_loader import PlanDataError, load_plan


class Command(BaseCommand):
    help = "载入年度工作方案数据（县、单位、任务清单、项目清单、考评指标），可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="数据目录，例如 fixtures/ganzhou-2023")

    def handle(self, folder, **options):
        try:
            plan = load_plan(folder)
        except PlanDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已载入《{plan.title}》：任务 {plan.tasks.count()} 项，项目 {plan.projects.count()} 个，"
            f"考评指标类别 {plan.indicator_groups.count()} 个"
        )
