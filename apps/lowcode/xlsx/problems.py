"""The refusal of a sheet an import read row by row: every problem, by row, and nothing saved.

The app's xlsx imports (核定数据, 按年度导入目标, any new one) check every row
before saving any, and refuse the sheet with the whole list ("第5行：…") so that
the office mends the file once. The generic Data Import reports row by row
instead (apps/lowcode/data_import).
"""

from apps.lowcode.exceptions import ValidationError

MAX_LISTED_PROBLEMS = 200  # the message lists these; ``problems`` keeps them all


class SheetProblemsError(ValidationError):
    """The sheet was refused (417); ``problems`` lists each one ("第5行：…"), nothing was saved."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(shown)
        text = "\n".join(shown) + (f"\n……另有 {more} 处问题未列出" if more else "")
        super().__init__(f"导入失败，未保存任何数据。共 {len(problems)} 处问题：\n{text}")
