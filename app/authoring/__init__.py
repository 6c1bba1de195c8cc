"""Trainer authoring: drafts, revisions, editors, packages and uploads."""
