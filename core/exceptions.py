class SavadError(Exception):
    """An expected failure with a message meant for the user (already translated).

    ``status`` is the HTTP status a view should answer with.
    """

    status = 400

    def __init__(self, message, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
