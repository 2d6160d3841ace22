"""Supporters: a sponsor, counsellor or coach who joins one person's circle with that person's consent.

A supporter's tie is a `circle.models.Connection` with `supporter_id` set: the permission door
(circle/permissions.py) lets a supporter through only while the tie is active, its consent has not
ended (`consent_ends_at`) and the area is one the consent names. The consent itself, every version of
it, lives here (`Consent`), as do the supporter's own notes (`SupporterNote`).
"""
