"""Workflows as data (Frappe's Workflow, Workflow Document State, Workflow Transition).

An administrator edits them in the admin; the engine (engine.py) reads them
on every action, so a change applies to the next action without a restart.
Roles are stored as newline-separated group names, as Frappe stores Select
options: readable in fixtures, diffable in the change history.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.lowcode.doctype import ChildDocument, Document
from apps.lowcode.roles import role_renamed


def split_lines(text: str) -> list[str]:
    """Newline (or 、/comma) separated values, blanks dropped."""
    for separator in ("、", ",", "，"):
        text = text.replace(separator, "\n")
    return [part.strip() for part in text.splitlines() if part.strip()]


class StateType(models.TextChoices):
    """What a state means for the document (Frappe's doc_status 0/1, plus 'final')."""

    EDITABLE = "editable", "可编辑（草稿）"
    SUBMITTED = "submitted", "已提交（审核中）"
    FINAL = "final", "已办结（只读）"


DOCSTATUS_OF = {StateType.EDITABLE: 0, StateType.SUBMITTED: 1, StateType.FINAL: 1}


class Workflow(Document):
    doctype = "Workflow"
    naming_rule = "prompt"

    document_type = models.CharField(
        "单据类型", max_length=140, help_text="此工作流适用的单据类型，例如 SelfAssessment"
    )
    is_active = models.BooleanField("启用", default=True, help_text="同一单据类型只能启用一个工作流")
    send_email_alert = models.BooleanField(
        "发送邮件通知", default=True, help_text="站点配置了邮件服务器时，进入新状态后同时发送邮件"
    )

    class Meta:
        verbose_name = "工作流"
        verbose_name_plural = "工作流"
        ordering = ["document_type", "name"]

    def clean(self):
        from apps.lowcode.doctype import doctype_registry

        model = doctype_registry.get(self.document_type)
        if model is None or issubclass(model, ChildDocument):
            raise ValidationError({"document_type": f"单据类型“{self.document_type}”不存在"})
        if (
            self.is_active
            and Workflow.objects.filter(document_type=self.document_type, is_active=True).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"is_active": f"“{self.document_type}”已有启用的工作流，请先停用它"})

    def first_state(self) -> "WorkflowState | None":
        return self.states.order_by("idx").first()


class WorkflowState(ChildDocument):
    doctype = "Workflow Document State"

    workflow = models.ForeignKey(Workflow, verbose_name="工作流", on_delete=models.CASCADE, related_name="states")
    state = models.CharField("状态", max_length=140)
    state_type = models.CharField("状态类型", max_length=10, choices=StateType.choices, default=StateType.EDITABLE)
    allow_edit = models.TextField(
        "可编辑角色",
        blank=True,
        help_text="此状态下可以修改单据的角色；留空则此状态下任何人不能修改。已办结状态任何人不能修改",
    )
    editable_fields = models.TextField(
        "可编辑字段",
        blank=True,
        help_text="留空为全部字段；否则每行一个字段名，子表字段写作 子表.字段，例如 lines.reviewed_score",
    )
    notify = models.BooleanField(
        "进入时通知", default=True, help_text="单据进入此状态时通知可以办理的人（已办结状态通知创建人）"
    )

    class Meta(ChildDocument.Meta):
        verbose_name = "工作流状态"
        verbose_name_plural = "状态"
        constraints = [models.UniqueConstraint(fields=["workflow", "state"], name="unique_workflow_state")]

    def __str__(self):
        return self.state

    @property
    def docstatus_value(self) -> int:
        return DOCSTATUS_OF[self.state_type]

    def edit_roles(self) -> list[str]:
        return split_lines(self.allow_edit)

    def editable_field_list(self) -> list[str]:
        return split_lines(self.editable_fields)


class WorkflowTransition(ChildDocument):
    doctype = "Workflow Transition"

    workflow = models.ForeignKey(Workflow, verbose_name="工作流", on_delete=models.CASCADE, related_name="transitions")
    state = models.CharField("当前状态", max_length=140)
    action = models.CharField("操作", max_length=140)
    next_state = models.CharField("下一状态", max_length=140)
    allowed = models.TextField("允许的角色", blank=True, help_text="可执行此操作的角色；留空则不限角色")
    approver_field = models.CharField(
        "审批人来源字段",
        max_length=300,
        blank=True,
        help_text="从单据取审批人：单据字段路径，指向用户，或指向某条记录（该记录的数据权限用户即审批人），"
        "例如 county（本县用户）、unit__liaisons__user（单位联络员）；多个路径每行一个。留空则不限人员",
    )
    condition = models.TextField(
        "条件",
        blank=True,
        help_text="满足时才可执行，例如 doc.self_total > 0 或 len(doc.lines) >= 10；留空为始终可执行",
    )
    allow_self_approval = models.BooleanField("创建人可自行办理", default=True)
    comment_required = models.BooleanField("必须填写意见", default=False, help_text="例如退回时必须说明原因")
    is_task = models.BooleanField(
        "计入待办",
        default=True,
        help_text="取消勾选：此操作不算待办，不通知、不计入待处理数，例如提交人撤回。"
        "可以执行的人仍能在单据上看到并执行它",
    )
    approvals_required = models.PositiveSmallIntegerField(
        "所需审批人数", default=1, help_text="需要几位不同的人执行此操作后单据才进入下一状态（N 人会签）"
    )
    message = models.TextField(
        "通知内容",
        blank=True,
        help_text="单据经此操作进入下一状态后，消息里说的话，例如 {title}已被退回[：{comment}]。请修改后重新提交。"
        "可用占位符：{title} 单据标题、{doctype} 单据类型、{name} 编号、{action} 操作、{from_state} 原状态、"
        "{state} 新状态、{user} 办理人、{comment} 意见；方括号内的部分在其占位符为空时省略。"
        "留空则用通用说法",
    )

    class Meta(ChildDocument.Meta):
        verbose_name = "工作流转换"
        verbose_name_plural = "转换"

    def __str__(self):
        return f"{self.state} —{self.action}→ {self.next_state}"

    def allowed_roles(self) -> list[str]:
        return split_lines(self.allowed)

    def approver_paths(self) -> list[str]:
        return split_lines(self.approver_field.replace(".", "__"))


class WorkflowLog(models.Model):
    """One action taken on a document (Frappe's Comment of type Workflow, plus approvals).

    ``moved`` is False for an approval that did not yet move the document
    because its transition needs more approvers (N-of-M).
    """

    workflow = models.ForeignKey(
        Workflow, verbose_name="工作流", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference_doctype = models.CharField("单据类型", max_length=140)
    reference_name = models.CharField("单据编号", max_length=140)
    action = models.CharField("操作", max_length=140)
    from_state = models.CharField("原状态", max_length=140, blank=True)
    to_state = models.CharField("新状态", max_length=140)
    moved = models.BooleanField("状态已变更", default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField("意见", blank=True)
    creation = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作流日志"
        verbose_name_plural = "工作流日志"
        ordering = ["reference_doctype", "reference_name", "id"]
        indexes = [models.Index(fields=["reference_doctype", "reference_name"])]

    def __str__(self):
        return f"{self.reference_name}：{self.from_state or '（新建）'} —{self.action}→ {self.to_state}"


@receiver(post_delete)
def forget_deleted_document(sender, instance, **kwargs):
    """A deleted document takes its workflow log along, as Frappe deletes a document's comments."""
    if isinstance(instance, Document) and sender.doctype:
        WorkflowLog.objects.filter(reference_doctype=sender.doctype, reference_name=instance.name).delete()


@receiver(role_renamed, dispatch_uid="lowcode.workflow.follow_role_rename")
def follow_role_rename(sender, old_name: str, new_name: str, **kwargs):
    """A renamed role keeps its places in every workflow: the states it edits in, the transitions it takes."""
    for model, fieldname in ((WorkflowState, "allow_edit"), (WorkflowTransition, "allowed")):
        for row in model.objects.filter(**{f"{fieldname}__contains": old_name}):
            names = split_lines(getattr(row, fieldname))
            if old_name in names:
                setattr(row, fieldname, "\n".join(new_name if name == old_name else name for name in names))
                row._change_reason = f"角色“{old_name}”改名为“{new_name}”"
                row.save(update_fields=[fieldname])
