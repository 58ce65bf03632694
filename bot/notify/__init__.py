"""Telling people: every message the bot sends on its own, not as a reply.

What the services decided (an offer, an escalation, task news, an event notice, a
reminder, a digest) is worded here in each recipient's language and queued in the outbox
in the caller's unit of work (`delivery`); `sender` delivers the outbox, at most one
message repeated after a crash. `announcements` runs the animators' broadcasts.
Nothing here decides *whether* someone is told: that is the services' job."""
