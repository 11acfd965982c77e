"""What the session keeps between leaving for the provider and coming back: each started
sign-in under its `state` (single use, with a deadline), and a link waiting for the
account's password."""
import time

from flask import current_app, session

FLOWS = "_sso_flows"
PENDING_LINK = "_sso_link"
MAX_FLOWS = 5  # sign-ins started in other tabs stay usable; more are dropped, oldest first


def remember(provider_key: str, flow: dict, next_url: str) -> None:
    flows = {k: v for k, v in (session.get(FLOWS) or {}).items() if v["until"] > time.time()}
    flows[flow["state"]] = {"provider": provider_key, "nonce": flow["nonce"],
                            "verifier": flow["verifier"], "next": next_url,
                            "until": time.time() + current_app.config["SSO_FLOW_SECONDS"]}
    session[FLOWS] = dict(sorted(flows.items(), key=lambda kv: kv[1]["until"])[-MAX_FLOWS:])


def take(provider_key: str, state: str) -> dict | None:
    """The sign-in started with this state, removed so it cannot be used again; None if it
    was never started here, has expired, was used already or was for another provider."""
    flows = dict(session.get(FLOWS) or {})
    flow = flows.pop(state, None) if isinstance(state, str) else None
    session[FLOWS] = flows
    if (not isinstance(flow, dict) or flow.get("provider") != provider_key
            or flow.get("until", 0) < time.time()):
        return None
    return {**flow, "state": state}


def wait_for_link(user_login_id: str, provider_key: str, subject: str, next_url: str) -> None:
    session[PENDING_LINK] = {"login_id": user_login_id, "provider": provider_key,
                             "subject": subject, "next": next_url,
                             "until": time.time() + current_app.config["SSO_FLOW_SECONDS"]}


def pending_link() -> dict | None:
    link = session.get(PENDING_LINK)
    if not isinstance(link, dict) or link.get("until", 0) < time.time():
        session.pop(PENDING_LINK, None)
        return None
    return link


def end_link() -> None:
    session.pop(PENDING_LINK, None)
