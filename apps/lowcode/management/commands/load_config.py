from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.lowcode.fixtures.document import (
    MAX_FILE_SIZE,
    ConfigError,
    parse,
    too_large_message,
)
from apps.lowcode.fixtures.load import load_config
from apps.lowcode.management.commands._config_scopes import (
    add_scope_arguments,
    scope_values,
)


class Command(BaseCommand):
    help = "导入配置文件（export_config 导出）：按识别字段新增或更新，全部成功才保存；可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("file", help="配置文件，例如 config.yaml")
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出将新增、更新的记录，不保存")
        add_scope_arguments(parser, "导入到哪个{scope}（按{by}；默认与导出时同{by}的）")

    def handle(self, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        if path.stat().st_size > MAX_FILE_SIZE:
            raise CommandError(too_large_message(path.stat().st_size))
        try:
            result = load_config(
                parse(path.read_bytes()), scope_values=scope_values(options), dry_run=dry_run, source=path.name
            )
        except ConfigError as exc:
            raise CommandError(
                "配置文件有误，未导入任何内容：\n" + "\n".join(f"  - {p}" for p in exc.problems)
            ) from exc
        for scope in result.scopes:
            self.stdout.write(scope)
        for doctype in result.doctypes:
            self.stdout.write(
                f"{doctype.label}（{doctype.doctype}）：新增 {len(doctype.created)}，"
                f"更新 {len(doctype.updated)}，未变化 {len(doctype.unchanged)}"
            )
            for record in doctype.created:
                self.stdout.write(f"  + {record.label}")
            for record in doctype.updated:
                self.stdout.write(f"  ~ {record.label}：{'；'.join(record.changes)}")
        self.stdout.write(result.summary())
