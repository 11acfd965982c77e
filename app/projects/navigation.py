"""The project's navigation bar, at the top of every page of a project.

Its twelve links and their names are the same for every page of a project in one language and
area, so the bar is made once for each (project key and name, language, current area) and kept
per app (a `KeptMarkup`): writing it took a page ~0.3 ms, about a twentieth of a light page."""
from flask import current_app, render_template, request
from markupsafe import Markup

from app.extensions import current_locale
from app.web import KeptMarkup

KEPT = 512
STORE = "samspil.project_nav"


def init_app(app) -> None:
    app.extensions[STORE] = KeptMarkup(KEPT)
    app.jinja_env.globals["project_nav"] = project_nav


def project_nav(project, active=None) -> Markup:
    """The bar of `project`'s pages; `active` names the current area where the page's own
    endpoint does not (a sprint's page is in "Sprints")."""
    active = active if isinstance(active, str) else None
    key = (project.key, project.name, str(current_locale()), request.endpoint, active,
           request.script_root)
    return Markup(current_app.extensions[STORE].get(key, lambda: render_template(
        "projects/_nav.html", project=project, active=active)))
