"""Path converters shared by every URLconf (registered once, in ``CoreConfig.ready``)."""

# 18 digits stay below 2**63: any longer id cannot name a row, and passing it on to the
# database overflows (SQLite raises OverflowError). Such a URL simply does not match: 404.
MAX_ID_DIGITS = 18


class IdConverter:
    """``<id:name>``: a database primary key in a URL (a positive number of at most 18 digits)."""

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
