"""What an import did, or would do, row by row: the page's table and the API's answer."""

from dataclasses import asdict, dataclass, field

CREATED, UPDATED, UNCHANGED, ERROR = "新建", "更新", "未变化", "错误"
STATUSES = (CREATED, UPDATED, UNCHANGED, ERROR)


class RowError(Exception):
    """A row (or record) refused, with its Chinese message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RowResult:
    row: int  # the sheet row of the record (its first row when it has continuation rows)
    status: str
    name: str = ""  # the record's name, or what the row calls it
    message: str = ""  # why a row is refused
    last_row: int = 0

    @property
    def rows_text(self) -> str:
        return f"第{self.row}行" if self.last_row <= self.row else f"第{self.row}–{self.last_row}行"

    def as_dict(self) -> dict:
        return {**asdict(self), "rows": self.rows_text}


@dataclass
class ImportReport:
    doctype: str
    label: str
    dry_run: bool
    all_or_nothing: bool
    rows: list[RowResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the sheet: ignored columns, missing ones
    saved: bool = False  # whether anything was written

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == ERROR]

    @property
    def counts_text(self) -> str:
        return "、".join(f"{status} {self.count(status)} 条" for status in STATUSES)

    @property
    def summary(self) -> str:
        if not self.rows:
            return "表中没有数据行，未导入任何记录。"
        total = f"共 {len(self.rows)} 条记录"
        if self.dry_run:
            then = (
                "正式导入时，只要有一行有错误就全部不导入"
                if self.all_or_nothing
                else "正式导入时将跳过有错误的行，导入其余各行"
            )
            return f"试导入（未保存任何数据）：{total}，{self.counts_text}。{then}。"
        if self.all_or_nothing and self.errors:
            return f"{total}，其中 {len(self.errors)} 条有错误；按要求全部不导入，未保存任何数据。"
        skipped = f"；有错误的 {len(self.errors)} 条未导入" if self.errors else ""
        return f"导入完成：{total}，{self.counts_text}{skipped}。"

    def as_dict(self) -> dict:
        return {
            "doctype": self.doctype,
            "label": self.label,
            "dry_run": self.dry_run,
            "all_or_nothing": self.all_or_nothing,
            "saved": self.saved,
            "summary": self.summary,
            "counts": {status: self.count(status) for status in STATUSES},
            "warnings": self.warnings,
            "rows": [r.as_dict() for r in self.rows],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        """The report again from its answer (a job's result), for the page that shows it."""
        fields = ("row", "status", "name", "message", "last_row")
        return cls(
            data["doctype"],
            data.get("label", data["doctype"]),
            dry_run=data["dry_run"],
            all_or_nothing=data["all_or_nothing"],
            rows=[RowResult(**{key: row[key] for key in fields if key in row}) for row in data["rows"]],
            warnings=list(data.get("warnings", [])),
            saved=data.get("saved", False),
        )
