"""Telling people what happened: in-app notifications with a bell and a page, emails for
the categories each person keeps on, reminders and digests on a schedule."""
