"""Where a webhook may be sent (SSRF protection): the URL's form at registration, and the
resolved addresses again at every send, since a name can point elsewhere by then.

Only `https` in production (`http` where WEBHOOK_ALLOW_HTTP, DEBUG or TESTING says so); no
credentials in the URL; every address the name resolves to must be public — not private,
loopback, link-local, multicast, reserved or unspecified — unless WEBHOOK_ALLOWED_TARGETS
(CIDRs or host names) lets it through. The sender then connects to the very address checked
(app.webhooks.sending), so a second DNS answer cannot swap in another target."""
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from app.services import RuleViolation
from app.webhooks.models import MAX_URL


class TargetRefused(RuleViolation):
    """The URL or its address may not be a webhook's target."""

    def __init__(self, message: str, temporary: bool = False):
        super().__init__(message, "url", status=422)
        self.temporary = temporary  # a name not found now may be found later


@dataclass(frozen=True)
class Target:
    """A checked target: connect to `address`:`port`, speak to `host` (Host header and SNI)."""

    scheme: str
    host: str
    port: int
    address: str
    path: str


def http_allowed() -> bool:
    config = current_app.config
    return bool(config.get("WEBHOOK_ALLOW_HTTP") or config.get("DEBUG") or config.get("TESTING"))


def _allow_list() -> tuple[list, set[str]]:
    networks, hosts = [], set()
    for entry in current_app.config.get("WEBHOOK_ALLOWED_TARGETS") or ():
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry.lower().rstrip("."))
    return networks, hosts


def is_public(address) -> bool:
    """Reachable on the internet, i.e. none of the ranges a server's neighbours live in."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local
                                 or ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def is_allowed(host: str, address: str) -> bool:
    networks, hosts = _allow_list()
    if host.lower().rstrip(".") in hosts:
        return True
    ip = ipaddress.ip_address(address)
    return is_public(ip) or any(ip in network for network in networks)


def parse_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an acceptable webhook URL, else TargetRefused."""
    url = (url or "").strip()
    if not url:
        raise TargetRefused(_("Enter the address to send to."))
    if len(url) > MAX_URL:
        raise TargetRefused(_("The address is too long (at most %(max)d characters).",
                              max=MAX_URL))
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise TargetRefused(_("The address contains spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused(_("This is not a web address.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(_("This is not a web address; it must begin with https://."))
    if parts.scheme == "http" and not http_allowed():
        raise TargetRefused(_("Use https: webhooks are only sent over an encrypted connection."))
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(_("Leave the user name and password out of the address."))
    if parts.fragment:
        raise TargetRefused(_("Leave the #fragment out of the address."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def _addresses(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise TargetRefused(_("The host name %(host)s cannot be found.", host=host),
                            temporary=True) from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_target(url: str) -> Target:
    """The URL's target with the address to connect to; TargetRefused when the URL is not
    acceptable or any address it resolves to is internal (and not on the allow-list)."""
    scheme, host, port, path = parse_url(url)
    addresses = _addresses(host, port)
    for address in addresses:
        if not is_allowed(host, address):
            raise TargetRefused(_(
                "%(host)s points to an internal address (%(address)s); webhooks are only sent "
                "to public addresses.", host=host, address=address))
    return Target(scheme, host, port, addresses[0], path)
