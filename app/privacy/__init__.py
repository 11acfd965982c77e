"""The duties Samspil has towards the people whose data it holds (GDPR): a person's data as
JSON (Art. 15), erasure by a site administrator (Art. 17), and retention of logs and e-mail
archives. It reads every area, so it sits above them all; the pages below link to its routes
by endpoint name (`has_endpoint`), never by import."""


def init_app(app) -> None:
    from app.privacy.routes import bp

    app.register_blueprint(bp)
