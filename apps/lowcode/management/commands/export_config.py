from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.lowcode.fixtures.document import ConfigError, dump
from apps.lowcode.fixtures.export import export_config
from apps.lowcode.management.commands._config_scopes import (
    add_scope_arguments,
    scope_values,
)


class Command(BaseCommand):
    help = "导出本站点的配置（自定义字段、字段属性、工作流、版头、打印格式、考评指标及计分方法）到一个 YAML 文件"

    def add_arguments(self, parser):
        parser.add_argument("file", help="导出到的文件，例如 config.yaml；“-”为标准输出")
        add_scope_arguments(parser, "导出哪个{scope}（按{by}）所属的配置（默认最新的）")

    def handle(self, file, **options):
        try:
            data = export_config(scope_values(options))
        except ConfigError as exc:
            raise CommandError(exc.message) from exc
        text = dump(data)
        if file == "-":
            self.stdout.write(text, ending="")
            return
        Path(file).write_text(text, encoding="utf-8")
        counts = "、".join(f"{doctype} {len(rows)}" for doctype, rows in data["doctypes"].items())
        self.stderr.write(f"已导出到 {file}：{counts}")
