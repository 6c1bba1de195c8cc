"""Single sign-on with the organisation's OpenID Connect provider (Authlib)."""
