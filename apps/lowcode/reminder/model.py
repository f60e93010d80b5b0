import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.lowcode.doctype.base import BaseDocument, Document
from apps.lowcode.permissions.scope import restrictions

# What a message template may say, and what each placeholder becomes.
PLACEHOLDERS = {
    "单据": "the document, as its list names it",
    "单据类型": "the doctype's label (月度调度)",
    "截止日期": "2023年4月5日",
    "剩余天数": "days left (3), 0 on the day",
    "逾期天数": "days late (2), 0 before",
    "时间": "还剩 3 天 / 今天截止 / 已逾期 2 天",
}


def check_template(text: str, field: str) -> None:
    """A template is text with {占位符} from PLACEHOLDERS: no attribute, index, format or conversion."""
    try:
        parts = list(string.Formatter().parse(text or ""))
    except ValueError as exc:
        raise ValidationError({field: f"模板格式有误（{exc}），花括号请成对使用"}) from None
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            allowed = "、".join(f"{{{p}}}" for p in PLACEHOLDERS)
            raise ValidationError({field: f"不支持的占位符 {{{name}}}，可用：{allowed}"})


class ReminderRule(Document):
    """提醒规则: whom to remind of a kind of document's deadline, when, how and in which words.

    For a document type whose app tells its deadlines (the ``deadlines`` hook), those who must
    act on a document not yet submitted are reminded ``days_before`` days before the deadline,
    on the day, and every ``every_days_late`` days while it is late. In-app messages always;
    the other channels (邮件, and whatever site_config adds, such as 短信) where they can reach
    the person. Each reminder goes once (Reminder Log).
    """

    doctype = "Reminder Rule"

    title = models.CharField("规则名称", max_length=140)
    document_type = models.CharField("单据类型", max_length=140, help_text="有报送截止日期的单据类型")
    enabled = models.BooleanField("启用", default=True)
    days_before = models.PositiveSmallIntegerField(
        "提前提醒天数", null=True, blank=True, help_text="截止前 N 天提醒一次；留空不提前提醒"
    )
    on_due_date = models.BooleanField("截止当日提醒", default=True)
    every_days_late = models.PositiveSmallIntegerField(
        "逾期后每隔天数", null=True, blank=True, help_text="逾期后每 N 天提醒一次（逾期第 1 天起）；留空不提醒"
    )
    subject = models.CharField("标题模板", max_length=300, default="{单据类型}报送提醒：{单据}")
    message = models.TextField(
        "内容模板",
        default="{单据}的报送截止日期为{截止日期}，{时间}。请尽快填报并提交。",
        help_text="可用占位符：" + "、".join(f"{{{p}}}" for p in PLACEHOLDERS),
    )
    channels = models.CharField(
        "发送渠道",
        max_length=200,
        blank=True,
        default="email",
        help_text="站内消息总会发送；另可填 email 及站点配置的渠道，逗号分隔",
    )

    class Meta:
        verbose_name = "提醒规则"
        verbose_name_plural = "提醒规则"
        ordering = ["document_type", "id"]

    def autoname(self):
        return self.title

    def __str__(self):
        return self.title

    @property
    def channel_names(self) -> list[str]:
        return [c.strip() for c in (self.channels or "").replace("，", ",").split(",") if c.strip()]

    def clean(self):
        super().clean()
        from apps.lowcode.reminder import channels, deadlines

        if self.document_type and self.document_type not in deadlines.doctypes():
            known = "、".join(deadlines.doctypes()) or "无"
            raise ValidationError({"document_type": f"单据类型“{self.document_type}”没有截止日期（可选：{known}）"})
        unknown = [c for c in self.channel_names if c not in channels.registry()]
        if unknown:
            raise ValidationError(
                {"channels": f"未知的发送渠道：{'、'.join(unknown)}（可用：{'、'.join(channels.registry())}）"}
            )
        if self.every_days_late == 0:
            raise ValidationError({"every_days_late": "逾期提醒间隔至少 1 天"})
        check_template(self.subject, "subject")
        check_template(self.message, "message")


class ReminderKind(models.TextChoices):
    AUTOMATIC = "自动提醒", "自动提醒"
    MANUAL = "催办", "催办"


class ReminderStatus(models.TextChoices):
    SENDING = "发送中", "发送中"
    SENT = "已发送", "已发送"
    FAILED = "发送失败", "发送失败"


class ReminderLog(BaseDocument):
    """One reminder to one person by one channel: who sent it (None: the system), to whom, when, why.

    The row is inserted before anything is sent, and ``occasion`` names the rule, the deadline and
    which reminder of the rule it is (``rule:3|2023-04-05|late-1``; a 催办 has its own): the unique
    constraint makes a second scheduler run, or an overlapping one, skip what was already sent.
    """

    doctype = "Reminder Log"
    writable_as_resource = False

    kind = models.CharField("类型", max_length=8, choices=ReminderKind.choices, default=ReminderKind.AUTOMATIC)
    rule = models.ForeignKey(
        ReminderRule, verbose_name="提醒规则", null=True, blank=True, on_delete=models.SET_NULL, related_name="logs"
    )
    document_type = models.CharField("单据类型", max_length=140)
    document_name = models.CharField("单据编号", max_length=140)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="reminders_received"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="催办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reminders_sent",
    )
    channel = models.CharField("渠道", max_length=40)
    due_date = models.DateField("截止日期", null=True, blank=True)
    occasion = models.CharField("提醒时机", max_length=100)
    reason = models.CharField("原因", max_length=300)
    subject = models.CharField("标题", max_length=300)
    message = models.TextField("内容", blank=True)
    status = models.CharField("状态", max_length=8, choices=ReminderStatus.choices, default=ReminderStatus.SENDING)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        ordering = ["-creation", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_name", "recipient", "channel", "occasion"],
                name="unique_reminder_per_occasion",
            )
        ]
        indexes = [models.Index(fields=["document_type", "document_name"], name="reminder_log_document")]
        # 催办 by hand (apps/lowcode/reminder/service.py remind): the office's, given through its role.
        permissions = [("remind", "可以催办")]

    def __str__(self):
        return f"{self.document_name} → {self.recipient}（{self.channel}）"

    @classmethod
    def scope_condition(cls, user) -> Q:
        """A restricted user (an assessee's) sees the reminders sent to them; the office sees all."""
        return Q(recipient=user) if restrictions(user) else Q()
