"""Meetings are deliberately not in Django's admin.

A meeting is person-level data: it is reached only through ``samla.meetings.access`` (consent,
team, invitation, category) and every read and change is written to the access log. The admin
would bypass both (R1-R4), so, like plans, meetings have no admin pages.
"""
