"""Meetings of the joint conference and the public portal (issue 4, items 4 and 5).

- ``models``: meetings (attendance, agenda, materials, minutes, decisions) and the portal
  (publications with files, published headline snapshots), on the workspace's ``Base``;
- ``actions``: every write as a ``do_*`` function (permission, validation, audit, one
  transaction), after the workspace's conventions;
- ``queries``: reads with visibility (office and leaders see every meeting, a unit editor the
  meetings its unit attends, the public none; the public sees published publications and the
  published headline snapshot only);
- ``portal``: what the public portal shows; ``demo``: the demo meetings and portal.
"""
