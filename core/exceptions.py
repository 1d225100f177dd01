class SavadError(Exception):
    """An expected failure with a message meant for the user (already translated).

    ``status`` is the HTTP status to answer with; ``back``, when set, is a ``(url, label)``
    link the error page offers (for example back to the course). ``core.errors`` renders it.
    """

    status = 400
    back: tuple[str, str] | None = None

    def __init__(self, message, *, status: int | None = None, back: tuple[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if back is not None:
            self.back = back
