"""Demo: one person signs in with two-factor sign-in (Birgitte Madsen of Sorø, not one of
PRODUCT.md's accounts, whose sign-in stays password only). The secret is fixed and printed
by `flask demo seed` in development, so a tester can compute the codes."""
from app.accounts import two_factor

DEMO_TWO_FACTOR_EMAIL = "fag@soro.example"
# Base32, as authenticator apps take it; a demo value, never used outside development.
DEMO_TWO_FACTOR_SECRET = "SAMSPILDEMOTOTPSOROKOMMUNE234567"


def seed_two_factor(ctx: dict) -> dict:
    """Enrol the demo person through the same services as the settings page."""
    user = ctx["users"]["fag_soro"]
    two_factor.start_enrolment(user, DEMO_TWO_FACTOR_SECRET)
    two_factor.confirm_enrolment(user, two_factor.current_code(user))
    return {"two-factor accounts": 1}
