"""Checks for what standard JSON Schema keywords cannot say.

Each check returns True when the value is fine or is not a string (the ``type``
keyword speaks for those) and raises ``ValueError`` with a short reason when it
is not. A check is a pure function of its arguments: what it needs from the
schema (the port range...) it takes as keyword arguments, which ``format_check``
fills from the keywords beside ``format`` in the subschema that uses it. The
same functions back the jsonschema validator class and the fast validator, so
both enforce exactly the same rules.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Callable, Mapping

_DIGITS = re.compile(r"[0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s")


def _reject_invisible(value: str) -> None:
    if _CONTROL.search(value):
        raise ValueError("contains a control character")
    if _WHITESPACE.search(value):
        raise ValueError("contains whitespace")


def is_port_mapping(value: object, *, minimum: int, maximum: int) -> bool:
    """``port`` or ``host:container``, each a decimal number from ``minimum`` to ``maximum``."""
    if not isinstance(value, str):
        return True
    parts = value.split(":")
    if len(parts) > 2:
        raise ValueError("invalid format, expected 'port' or 'host:container'")
    low, high = minimum, maximum
    for part in parts:
        if not _DIGITS.fullmatch(part):
            raise ValueError("not a valid number")
        if not low <= int(part) <= high:
            raise ValueError(f"port out of range ({low}-{high})")
    return True


def host_port(value: object, *, minimum: int, maximum: int) -> str | None:
    """The host side of a valid port entry (ports from ``minimum`` to ``maximum``), as text;
    None for an invalid entry."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON Schema counts 8080.0 as the integer 8080, so must the port rules
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value)
    try:
        is_port_mapping(text, minimum=minimum, maximum=maximum)
    except ValueError:
        return None
    return str(int(text.split(":")[0]))


def _check_ref_structure(name: str) -> None:
    """git's ref-name rules (git check-ref-format) beyond the character set."""
    if name.startswith("-"):
        raise ValueError("cannot start with '-'")
    if name.startswith("/") or name.endswith("/"):
        raise ValueError("cannot start or end with '/'")
    if "//" in name:
        raise ValueError("cannot contain '//'")
    if ".." in name:
        raise ValueError("cannot contain '..'")
    if "@{" in name:
        raise ValueError("cannot contain '@{'")
    if name == "@":
        raise ValueError("cannot be '@'")
    if name.endswith("."):
        raise ValueError("cannot end with '.'")
    for component in name.split("/"):
        if component.startswith("."):
            raise ValueError("a path component cannot start with '.'")
        if component.endswith(".lock"):
            raise ValueError("a path component cannot end with '.lock'")


def is_git_branch(value: object) -> bool:
    """git's structural ref rules; the character set is the schema's ``pattern``."""
    if not isinstance(value, str) or not value:
        return True
    _check_ref_structure(value)
    return True


# git check-ref-format forbids these anywhere in a ref name: control characters, space,
# '~', '^', ':', '?', '*', '[' and a backslash.
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def is_git_branch_prefix(value: object) -> bool:
    """A prefix that makes a valid git branch name when a worker name follows it."""
    if not isinstance(value, str) or not value.endswith("/") or value == "/":
        return True  # "must end with '/'" and "cannot be just '/'" are the schema's own keywords
    if _REF_FORBIDDEN.search(value):
        raise ValueError("contains characters not allowed in a branch name")
    _check_ref_structure(value + "worker-1")
    return True


_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def is_host(value: object) -> bool:
    """An RFC 1123 hostname, an IPv4 address or an IPv6 address."""
    if not isinstance(value, str) or not value:
        return True
    _reject_invisible(value)
    # ipaddress and urllib load only for values that need them: most configs name
    # a host (localhost) and a remote (origin), and the hook's start-up counts.
    if ":" in value:
        import ipaddress

        try:
            ipaddress.IPv6Address(value)
        except ValueError as error:
            raise ValueError(f"not an IPv6 address ({error})") from None
        return True
    name = value[:-1] if value.endswith(".") else value
    if len(name) > 253:
        raise ValueError("longer than 253 characters")
    labels = name.split(".")
    if all(label.isdigit() for label in labels):
        import ipaddress

        try:
            ipaddress.IPv4Address(value)
        except ValueError as error:
            raise ValueError(f"not an IPv4 address ({error})") from None
        return True
    for label in labels:
        if not _HOST_LABEL.fullmatch(label):
            raise ValueError(f"label {label!r} is not 1-63 letters, digits or inner hyphens")
    if labels[-1].isdigit():
        raise ValueError("the top-level label cannot be all digits")
    return True


_REMOTE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
_URL_SCHEMES = {"http", "https", "ssh", "git", "git+ssh", "ssh+git", "file"}
_SCP_LIKE = re.compile(r"(?:[A-Za-z0-9._~-]+@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(?!//)(.+)")


def is_git_remote(value: object) -> bool:
    """Something ``git push`` accepts: a remote name, a URL, scp-like syntax or a path."""
    if not isinstance(value, str):
        return True
    if not value:
        raise ValueError("is empty (leave it out to keep work local)")
    _reject_invisible(value)
    if "://" in value:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in _URL_SCHEMES:
            raise ValueError(f"unsupported URL scheme {parts.scheme!r}")
        if parts.scheme != "file" and not parts.hostname:
            raise ValueError("URL has no host")
        if not parts.path.strip("/"):
            raise ValueError("URL has no repository path")
        return True
    if value.startswith(("/", "./", "../", "~/")):
        return True
    if ":" in value:
        if not _SCP_LIKE.fullmatch(value):
            raise ValueError("not a URL or scp-like address (user@host:path)")
        return True
    if not _REMOTE_NAME.fullmatch(value):
        raise ValueError("not a remote name, URL or path")
    try:
        _check_ref_structure(value)
    except ValueError as error:
        raise ValueError(f"not a valid remote name: {error}") from None
    return True


_DIGEST = re.compile(r"(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})")
_FINGERPRINT = re.compile(r"[0-9a-f]{12,64}")
_LXD_REMOTE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_LXD_ALIAS = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
_OCI_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_OCI_REGISTRY = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9-]+)*(?::[0-9]+)?|localhost(?::[0-9]+)?")
_OCI_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def _check_oci_name(name: str) -> None:
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        if not _OCI_REGISTRY.fullmatch(parts[0]):
            raise ValueError(f"invalid registry {parts[0]!r}")
        parts = parts[1:]
    for part in parts:
        if not part:
            raise ValueError("empty path component")
        if not _OCI_COMPONENT.fullmatch(part):
            raise ValueError(f"invalid name component {part!r} (lowercase letters, digits, '.', '_', '-')")


def is_image(value: object) -> bool:
    """An LXD/Incus ``[remote:]alias`` or fingerprint, or an OCI reference."""
    if not isinstance(value, str) or not value:
        return True
    _reject_invisible(value)
    if "@" in value:
        name, _, digest = value.partition("@")
        if not name:
            raise ValueError("empty name before '@'")
        if not _DIGEST.fullmatch(digest):
            raise ValueError("digest must be sha256:<64 hex digits> or sha512:<128 hex digits>")
        _check_oci_name(name)
        return True
    if _FINGERPRINT.fullmatch(value):
        return True
    head, colon, tail = value.partition(":")
    if colon and "/" not in head:
        if not head:
            raise ValueError("empty remote before ':'")
        if not tail:
            raise ValueError(f"empty alias or tag after '{head}:'")
        if _LXD_REMOTE.fullmatch(head) and _LXD_ALIAS.fullmatch(tail):
            return True
        if head.count(".") or head == "localhost":
            _check_oci_reference(value)
            return True
        raise ValueError("not an image alias (remote:alias) or OCI reference")
    if not colon and _LXD_ALIAS.fullmatch(value) and "//" not in value:
        return True
    _check_oci_reference(value)
    return True


def _check_oci_reference(value: str) -> None:
    slash = value.rfind("/")
    colon = value.rfind(":")
    name, tag = (value[:colon], value[colon + 1:]) if colon > slash else (value, None)
    if tag is not None and not tag:
        raise ValueError("empty tag after ':'")
    if tag is not None and not _OCI_TAG.fullmatch(tag):
        raise ValueError(f"invalid tag {tag!r}")
    _check_oci_name(name)


def image_pins_version(value: str) -> bool:
    """Whether an image reference names a version (tag, alias version, digest or fingerprint)."""
    if "@" in value or _FINGERPRINT.fullmatch(value):
        return True
    head, colon, _ = value.partition(":")
    if colon and "/" not in head and "." not in head and head != "localhost":
        return True  # LXD remote:alias, e.g. ubuntu:24.04 or images:ubuntu/24.04
    return value.rfind(":") > value.rfind("/")


# RFC 3339 date-time, the grammar check-jsonschema's own "date-time" check
# accepts (lowercase t/z, ',' before the fraction, no leap second), so a file
# is judged the same with or without our validator class. Go's time.Time reads
# only an uppercase T and Z and a '.': the state schemas say so with a standard
# ``pattern`` beside the format, which every validator enforces.
RFC3339 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:[.,](?P<fraction>[0-9]+))?"
    r"(?P<zone>[Zz]|(?P<sign>[+-])(?P<zhour>[0-9]{2}):(?P<zminute>[0-9]{2}))", re.ASCII)


def rfc3339_parts(value: str) -> re.Match[str]:
    """The fields of an RFC 3339 timestamp, checked for range; ValueError says what is wrong."""
    match = RFC3339.fullmatch(value)
    if match is None:
        raise ValueError("expected YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM)")
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if year == 0:
        raise ValueError("year 0000 is not supported")
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range")
    import calendar  # only state files hold timestamps: the config hook need not load it

    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"day {day} out of range for {year:04d}-{month:02d}")
    if int(match["hour"]) > 23 or int(match["minute"]) > 59 or int(match["second"]) > 59:
        raise ValueError("time of day out of range")
    if match["sign"] and (int(match["zhour"]) > 23 or int(match["zminute"]) > 59):
        raise ValueError("time zone offset out of range")
    return match


def is_date_time(value: object) -> bool:
    """An RFC 3339 timestamp with a real date and time of day (nanoseconds and the zero time
    0001-01-01T00:00:00Z included); the schemas' ``pattern`` narrows the spelling to Go's."""
    if not isinstance(value, str):
        return True
    rfc3339_parts(value)
    return True


FormatCheck = Callable[[object], bool]

# Format name -> (check, the keywords beside "format" whose values the check takes).
FORMAT_CHECKS: dict[str, tuple[Callable[..., bool], tuple[str, ...]]] = {
    "date-time": (is_date_time, ()),
    "isollm-port-mapping": (is_port_mapping, ("minimum", "maximum")),
    "isollm-git-branch": (is_git_branch, ()),
    "isollm-git-branch-prefix": (is_git_branch_prefix, ()),
    "isollm-host": (is_host, ()),
    "isollm-git-remote": (is_git_remote, ()),
    "isollm-image": (is_image, ()),
}


def format_check(name: str, subschema: Mapping[str, Any]) -> FormatCheck | None:
    """The check for the format called ``name`` as ``subschema`` uses it, with the
    arguments it takes from ``subschema``; None for a format that is not ours."""
    entry = FORMAT_CHECKS.get(name)
    if entry is None:
        return None
    check, keywords = entry
    if not keywords:
        return check
    missing = [keyword for keyword in keywords if keyword not in subschema]
    if missing:
        raise ValueError(f"format {name!r} needs {', '.join(missing)} beside it in the schema")
    bound: FormatCheck = partial(check, **{keyword: subschema[keyword] for keyword in keywords})
    return bound
