"""Writes of the project life cycle, one module per stage; import from the module itself:
``postings`` (publish, withdraw, sign-up), ``auctions`` (live bidding), ``methods`` (the other
selection methods), ``awards`` (award, objections, contract, delivery)."""
