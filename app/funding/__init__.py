"""Estimates and funding: the vendor's estimates of needs, the budget per year and orders, the
municipalities' pledges and loans, and the ledger."""


def init_app(app) -> None:
    """Register the funding pages, the need page's funding panel and the digest section."""
    from app.funding import digest  # noqa: F401 - its decorator registers the section
    from app.funding.routes import bp

    app.register_blueprint(bp)
