"""The pages of one's own account that take more than a form: two-factor sign-in."""
from flask import render_template

from app.accounts import two_factor
from app.accounts.forms import CodeForm, IdentityForm


def two_factor_page(user, confirm_form=None, disable_form=None, renew_form=None,
                    status: int = 200):
    """The state of the user's second factor, and the forms that change it. While set-up is
    under way (a secret, not yet confirmed) the QR code and the secret are shown."""
    setting_up = user.totp_secret is not None and not user.has_two_factor
    return render_template(
        "accounts/two_factor.html", user=user, setting_up=setting_up,
        qr_code=two_factor.qr_code_svg(user) if setting_up else None,
        secret=two_factor.formatted_secret(user.totp_secret) if setting_up else None,
        confirm_form=confirm_form or CodeForm(prefix="confirm"),
        disable_form=disable_form or IdentityForm(prefix="off"),
        renew_form=renew_form or IdentityForm(prefix="renew"),
        unused_codes=two_factor.unused_recovery_codes(user) if user.has_two_factor else 0,
        required=user.organisation.requires_two_factor,
    ), status


def recovery_codes_page(codes: list[str], enrolled: bool):
    """The recovery codes, shown this once (only their digests are kept)."""
    return render_template("accounts/recovery_codes.html", codes=codes, enrolled=enrolled)
