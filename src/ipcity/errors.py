"""Errors that reach the user as one clear line (the CLI prints them without a traceback)."""


class IpcityError(Exception):
    """A problem the user can act on: bad input, missing data, wrong option."""


class InputError(IpcityError):
    """A file or value that cannot be read as given."""


class DataMissingError(IpcityError):
    """The warehouse lacks data a computation needs (e.g. no population for a year)."""
