"""Errors a user can act on. Their message is a full sentence for an officer."""


class UserError(Exception):
    """A failure caused by input or circumstances the user can fix.

    The command line prints the message on one line and exits non-zero; the
    window shows it in a message box. Never raised for programming errors.
    """


class DatabaseTooNew(UserError):
    """The file was written by a newer version of the program."""


class NotAnImpDatabase(UserError):
    """The file is not an IMP Desktop database (or is damaged)."""


class ValidationError(UserError):
    """Input that breaks a rule; ``problems`` lists (field, message) pairs."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


class DatabaseDamaged(NotAnImpDatabase):
    """An IMP Desktop file that fails SQLite's check; never repaired silently.

    ``latest_backup`` is the newest automatic backup of that file, if any,
    so the window and the command line can offer it. The message is one
    sentence; ``details`` (what SQLite's check found) go behind "Rincian".
    """

    def __init__(self, message: str, path=None, latest_backup=None, details: str = ""):
        super().__init__(message)
        self.path = path
        self.latest_backup = latest_backup
        self.details = details
