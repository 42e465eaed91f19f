"""The demo: a synthetic joint conference (units, plans, reports, meetings, portal, IP
protection cases) seeded on the sample city. Every write goes through the domain's ``do_*``
actions, as a user's would; the domain packages hold no demo data.

- ``command``: ``ipcity demo`` (build the sample warehouse, seed, serve).
- ``warehouse``: the sample city generated and ingested once for the demo.
- ``workspace_data`` / ``workspace_seed``: the conference, its plans, tasks and reports.
- ``baselines``: engine-backed targets take their baseline from the engine.
- ``meetings``: meetings, minutes and portal publications.
- ``protection``: IP protection cases, mediation, complaints and public cases.
"""
