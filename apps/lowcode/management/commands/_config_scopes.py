"""The --plan (one option per registered scope) shared by export_config and load_config."""

from apps.lowcode.fixtures.registry import scopes


def add_scope_arguments(parser, help_text: str) -> None:
    for scope in scopes().values():
        parser.add_argument(
            f"--{scope.option_name}",
            dest=f"scope_{scope.option_name}",
            help=help_text.format(scope=scope.label, by=scope.by_label),
        )


def scope_values(options: dict) -> dict:
    return {
        doctype: options.get(f"scope_{scope.option_name}")
        for doctype, scope in scopes().items()
        if options.get(f"scope_{scope.option_name}") not in (None, "")
    }
