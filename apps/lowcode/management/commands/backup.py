from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sites.backup import backup_current_site, prune
from sites.site_setup import SiteError


class Command(BaseCommand):
    help = (
        "备份当前站点（SITE=站点名；如 Frappe 的 bench backup）：数据库与附件打成一个带日期的压缩包 "
        "YYYYMMDD_HHMMSS-站点名-backup.tar.gz，内含清单与 SHA-256 校验，旁边另有 .sha256 校验文件"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backup-path", help="备份存放的文件夹；默认：站点配置的 backup_path，否则 sites/站点名/backups"
        )
        parser.add_argument("--keep", type=int, help="备份后只保留最近的这么多份（该文件夹中本站点的备份）")

    def handle(self, backup_path=None, keep=None, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep 至少为 1。")
        try:
            archive = backup_current_site(Path(backup_path) if backup_path else None, say=self.stdout.write)
            removed = prune(archive.parent, settings.SITE_NAME, keep) if keep else []
        except SiteError as exc:
            raise CommandError(str(exc)) from None
        size = archive.stat().st_size / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(f"站点 {settings.SITE_NAME} 已备份：{archive}（{size:.1f} MB）"))
        self.stdout.write(f"校验文件：{archive}.sha256")
        if removed:
            self.stdout.write(f"删除了 {len(removed)} 份旧备份，保留最近 {keep} 份。")
