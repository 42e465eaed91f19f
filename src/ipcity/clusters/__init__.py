"""Science-and-technology clusters (WIPO GII method): geocode inventors and authors offline,
cluster them with weighted DBSCAN on unique coordinates, rank by world shares.

Entry points: ``engine.run(warehouse, engine.Options(...)) -> engine.Report``; outputs in
``render``; the web map in ``mapview`` (``fragment``, ``static_files``); demo data in
``sample.generate_world_sample``; the exact weighted DBSCAN in ``dbscan``. See docs/clusters.md.
"""
