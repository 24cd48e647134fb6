"""Money is Decimal from the wire on; rounding happens once, at the ledger boundary."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
# Currencies whose minor unit is not 1/100 (ISO 4217); everything else uses cents.
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "JOD": 3,
                "OMR": 3, "TND": 3}


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency`` (0.01 for most)."""
    return Decimal(1).scaleb(-_MINOR_UNITS.get(currency.upper(), 2))


def round_money(amount: Decimal, currency: str = "USD") -> Decimal:
    """Round half-up to the currency's minor unit."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def to_decimal(value: Any) -> Decimal:
    """Convert a wire value (number as str/int/Decimal) to Decimal; floats are refused.

    Raises ``ValueError`` naming the value when it is not a number.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected an amount, got {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise ValueError("floats are not money: parse JSON with parse_float=Decimal")
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"expected an amount, got {value!r}") from None
        if not result.is_finite():
            raise ValueError(f"expected an amount, got {value!r}")
        return result
    raise ValueError(f"expected an amount, got {value!r}")


def loads(text: str | bytes) -> Any:
    """``json.loads`` that keeps every non-integer number as Decimal."""
    return json.loads(text, parse_float=Decimal)


_DECIMAL_MARK = "\x00dec:"
_DECIMAL_RE = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?)\\u0000"')


def _exact_decimal(value: Any) -> str:
    if isinstance(value, Decimal) and value.is_finite():
        return f"{_DECIMAL_MARK}{format(value, 'f')}\x00"
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(payload: Any) -> str:
    """Compact JSON that writes Decimal amounts exactly as they are (``337.50`` stays ``337.50``).

    The C encoder writes each Decimal as a marked string, which is then turned back into a bare
    number: exact, and fast enough for thousands of orders.
    """
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_exact_decimal)
    return _DECIMAL_RE.sub(r"\1", text)
