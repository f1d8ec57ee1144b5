"""The error family. Every message says what went wrong and what to do about it."""


class RagError(Exception):
    """Base class: anything the user can fix. The CLI and UI print the message, no traceback."""


class CorpusError(RagError):
    """The files given to index cannot be used (missing, empty, unreadable, clashing ids)."""


class IndexNotFoundError(RagError):
    """No index exists where one was expected."""


class IndexMismatchError(RagError):
    """The index on disk was built with another model, dimension or format version."""


class IndexCorruptError(RagError):
    """Files of the index are missing, truncated or unreadable."""


class IndexBusyError(RagError):
    """Another process is writing the same index."""


class QueryError(RagError):
    """A question or search parameter that cannot be answered as given."""


class ModelError(RagError):
    """The embedding model could not be loaded."""
