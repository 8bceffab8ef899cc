"""Plans are deliberately not in Django's admin.

A plan is person-level data: it is reached only through ``samla.plans.access`` (consent, team,
category) and every read and change is written to the access log. The admin would bypass both
(R1-R4), so, like participants, plans have no admin pages.
"""
