"""Numbers as people write them in Chinese documents and forms."""

from decimal import Decimal


def number_text(value) -> str:
    """2.3500 → "2.35", 10.00 → "10", 1E+2 → "100" (no trailing zeros, no exponent); "" for None."""
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(number.normalize(), "f")
