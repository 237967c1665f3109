"""Writes of the project life cycle, one module per stage; import from the module itself:
``postings`` (draft, publish, withdraw), ``signups`` (sign up, cancel), ``closing`` (close
sign-up, 流标), ``auctions`` (live bidding), ``methods`` (the other selection methods),
``awards`` (the award and the runner-up), ``objections``, ``contracts`` (incl. the periodic
deadline work) and ``deliveries``; ``common`` holds the project lock, ``checks`` the upload and
text checks."""
