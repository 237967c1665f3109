"""Writes of the project life cycle, one module per stage; import from the module itself:
``postings`` (publish, withdraw, sign-up), ``auctions`` (live bidding), ``methods`` (the other
selection methods), ``awards`` (the award and the runner-up), ``objections``, ``contracts``
(incl. the periodic deadline work) and ``deliveries``."""
