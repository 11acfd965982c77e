"""What GitHub and GitLab send, read into one shape: the commits of a push, a pull or merge
request, a release — each with the texts that may name items (message, branch, title, body).

Only the fields Samspil uses are read; a payload without them is refused as a whole
(`BadPayload`), never half read. Texts are cut to what the columns hold."""
from dataclasses import dataclass, field

from app.forges.models import MAX_TITLE, MAX_URL


class BadPayload(Exception):
    """The payload is not the event it claims to be."""


@dataclass
class Thing:
    kind: str  # commit, pull_request, release
    repository: str
    reference: str
    title: str
    author: str = ""
    url: str = ""
    state: str = ""
    texts: list[str] = field(default_factory=list)  # where item keys are looked for
    is_merged: bool = False


def _text(value, limit: int | None = None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise BadPayload
    return str(value)[:limit] if limit else str(value)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0][:MAX_TITLE] if message.strip() else ""


def _branch(ref: str) -> str:
    return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else ""


def _commits(commits, repository: str, branch: str) -> list[Thing]:
    if not isinstance(commits, list):
        raise BadPayload
    things = []
    for commit in commits:
        message = _text(commit["message"])
        author = commit.get("author") or {}
        things.append(Thing(
            "commit", repository, _text(commit["id"], 100), _first_line(message),
            _text(author.get("name") or author.get("username"), 200),
            _text(commit.get("url"), MAX_URL), texts=[message, branch]))
    return things


def github(event: str, payload: dict) -> list[Thing] | None:
    """The things of a GitHub event (`X-GitHub-Event`), or None for an event Samspil does not
    use (ping included)."""
    try:
        if event not in ("push", "pull_request", "release"):
            return None
        repository = _text(payload["repository"]["full_name"], 200)
        if event == "push":
            return _commits(payload["commits"], repository, _branch(_text(payload["ref"])))
        if event == "pull_request":
            pr = payload["pull_request"]
            merged = bool(pr.get("merged"))
            title, body = _text(pr["title"]), _text(pr.get("body"))
            return [Thing("pull_request", repository, _text(pr["number"], 100),
                          title[:MAX_TITLE], _text((pr.get("user") or {}).get("login"), 200),
                          _text(pr.get("html_url"), MAX_URL),
                          "merged" if merged else _text(pr["state"], 20),
                          [title, _text((pr.get("head") or {}).get("ref")), body], merged)]
        release = payload["release"]
        name = _text(release.get("name")) or _text(release["tag_name"])
        return [Thing("release", repository, _text(release["tag_name"], 100), name[:MAX_TITLE],
                      _text((release.get("author") or {}).get("login"), 200),
                      _text(release.get("html_url"), MAX_URL), _text(payload.get("action"), 20),
                      [name, _text(release.get("body"))])]
    except (KeyError, TypeError, AttributeError, IndexError):
        raise BadPayload from None


GITLAB_STATES = {"opened": "open", "reopened": "open"}


def gitlab(event: str, payload: dict) -> list[Thing] | None:
    """The things of a GitLab event (`X-Gitlab-Event`), or None for one Samspil does not use."""
    try:
        if event not in ("Push Hook", "Merge Request Hook", "Release Hook"):
            return None
        repository = _text(payload["project"]["path_with_namespace"], 200)
        if event == "Push Hook":
            return _commits(payload["commits"], repository, _branch(_text(payload["ref"])))
        if event == "Merge Request Hook":
            mr = payload["object_attributes"]
            state = _text(mr["state"], 20)
            title = _text(mr["title"])
            return [Thing("pull_request", repository, _text(mr["iid"], 100), title[:MAX_TITLE],
                          _text((payload.get("user") or {}).get("name"), 200),
                          _text(mr.get("url"), MAX_URL), GITLAB_STATES.get(state, state),
                          [title, _text(mr.get("source_branch")), _text(mr.get("description"))],
                          state == "merged")]
        name = _text(payload.get("name")) or _text(payload["tag"])
        return [Thing("release", repository, _text(payload["tag"], 100), name[:MAX_TITLE], "",
                      _text(payload.get("url"), MAX_URL), _text(payload.get("action"), 20),
                      [name, _text(payload.get("description"))])]
    except (KeyError, TypeError, AttributeError, IndexError):
        raise BadPayload from None
