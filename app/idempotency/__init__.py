"""Idempotency keys: a creation form carries a random key (a hidden field made when the form
is shown), and sending it again, as a browser or a person does after a connection error,
returns what the first sending made instead of making it twice.

Areas wrap their creation service in `services.once(actor, key, kind, create, load)`; this
package knows no area."""
