"""Who may open the page: credentials from `--auth`, `--auth-file` or `$RAG_AUTH`, and the rule
that a page reachable from other machines needs them unless the user says `--open`."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path

from rag import RagError

AUTH_ENV = "RAG_AUTH"
Credentials = list[tuple[str, str]]


def parse_credentials(text: str, where: str) -> Credentials:
    """`USER:PASSWORD` pairs, one a line (or comma-separated); blank lines and `#` comments skipped.
    The password may itself contain colons.

    >>> parse_credentials("ann:s3cr:et\\n# a comment\\n\\nbob:pw", "test")
    [('ann', 's3cr:et'), ('bob', 'pw')]
    """
    pairs = []
    for number, line in enumerate(text.replace(",", "\n").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise RagError(f"{where}, entry {number}: credentials are written USER:PASSWORD")
        pairs.append((user.strip(), password))
    if not pairs:
        raise RagError(f"{where} holds no USER:PASSWORD credentials")
    return pairs


def credentials(auth: str | None, auth_file: Path | None, env: Mapping[str, str] | None = None) -> Credentials | None:
    """The credentials given on the command line, in a file, or in `$RAG_AUTH` (in that order), or None."""
    values: Mapping[str, str] = os.environ if env is None else env
    if auth:
        return parse_credentials(auth, "--auth")
    if auth_file:
        try:
            text = Path(auth_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise RagError(f"cannot read --auth-file {auth_file}: {exc.strerror}") from None
        return parse_credentials(text, str(auth_file))
    if values.get(AUTH_ENV):
        return parse_credentials(values[AUTH_ENV], f"${AUTH_ENV}")
    return None


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only.

    >>> [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2", "0.0.0.0", "192.168.1.5", "")]
    [True, True, True, True, False, False, False]
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name that may resolve to anything


def check_exposure(host: str, share: bool, creds: Credentials | None, open_: bool) -> None:
    """Refuse to serve beyond this machine without credentials, unless `--open` says it is meant."""
    if creds or open_ or (is_loopback(host) and not share):
        return
    where = "a public share link" if share else f"{host} (reachable from other machines)"
    raise RagError(
        f"serving on {where} needs credentials: pass --auth USER:PASSWORD, --auth-file FILE or set "
        f"${AUTH_ENV}; or pass --open if you mean anyone who can reach it to read and change the index"
    )
