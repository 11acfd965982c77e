"""Tokens: only the digest is stored, and only the token itself matches it."""
from app import tokens


def test_a_token_matches_its_digest_and_nothing_else():
    token, stored = tokens.new_token()
    assert len(token) >= 43 and token not in stored
    assert tokens.matches(token, stored)
    assert not tokens.matches(token[:-1], stored)
    assert not tokens.matches(token + "x", stored)
    assert not tokens.matches("", stored)
    assert not tokens.matches(token, "")


def test_tokens_are_not_repeated():
    assert len({tokens.new_token()[0] for _ in range(200)}) == 200
