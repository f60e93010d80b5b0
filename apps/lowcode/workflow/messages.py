"""What a notification says when a document moves: a transition's 通知内容, a template as data.

Administrators write plain Chinese with a few placeholders, e.g.
``{title}已被退回[：{comment}]。请修改后重新提交。``:

- ``{name}`` is replaced by the value of that name (see PLACEHOLDERS);
- ``[…]`` holding placeholders is left out when any of them is empty, so that a return without a
  comment reads "已被退回。" rather than "已被退回：。"; brackets holding no placeholder are kept as written.

Deliberately tiny (no expressions, no loops): what a message needs is the document's title, who did
what, and the comment. ``check`` refuses an unknown placeholder when the workflow is saved.
"""

import re

PLACEHOLDERS = {
    "title": "单据标题，例如“某县的2023年第一季度自评报告”",
    "doctype": "单据类型，例如“自评报告”",
    "name": "单据编号",
    "action": "操作，例如“退回修改”",
    "from_state": "原状态",
    "state": "新状态",
    "user": "办理人姓名",
    "comment": "办理意见（句末标点已去掉）",
}

_PLACEHOLDER = re.compile(r"\{([^{}\[\]]*)\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")

# The sentence shown when a transition has no 通知内容 of its own: still plain Chinese, never "草稿 → 待初审".
DEFAULT_MESSAGE = "{user}对{title}执行了“{action}”，现为“{state}”[，意见：{comment}]。"
# Added for the people who can act on the document in its new state.
PLEASE_ACT = "请及时办理。"


def check(template: str) -> list[str]:
    """Problems of a template, in Chinese (empty when it is fine)."""
    problems = []
    unknown = [n for n in _PLACEHOLDER.findall(template or "") if n.strip() not in PLACEHOLDERS]
    if unknown:
        offered = "、".join("{" + n + "}" for n in PLACEHOLDERS)
        problems.append(f"通知内容中的“{'、'.join('{' + n + '}' for n in unknown)}”不可用（可用：{offered}）")
    stripped = _OPTIONAL.sub("", _PLACEHOLDER.sub("", template or ""))
    if "{" in stripped or "}" in stripped:
        problems.append("通知内容的括号不成对：占位符写作 {title}，可省略的部分写作 [：{comment}]")
    return problems


def clean_comment(comment: str) -> str:
    """A comment as it reads inside a sentence: no trailing full stop to double the template's own."""
    return (comment or "").strip().rstrip("。．.！!；;，,、 \n")


def render(template: str, values: dict) -> str:
    """The template with its placeholders filled in from ``values`` (missing names read as empty)."""
    values = {key: str(value) if value is not None else "" for key, value in values.items()}

    def optional(match):
        names = _PLACEHOLDER.findall(match.group(1))
        if not names:
            return match.group(0)
        if any(not values.get(n.strip()) for n in names):
            return ""
        return match.group(1)

    text = _OPTIONAL.sub(optional, template or "")
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), ""), text).strip()
