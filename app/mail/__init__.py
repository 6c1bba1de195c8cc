"""Email: composing messages into the outbox (``compose``), delivering them over SMTP or
into the development mailbox (``delivery``, ``transport``), and the admins' mailbox page."""
