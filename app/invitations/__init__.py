"""Inviting people: an emailed one-time link to set a first password."""
