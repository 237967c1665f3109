"""Writes of the project life cycle, one module per stage; import from the module itself:
``postings`` (draft, publish, withdraw), ``signups`` (sign up, cancel), ``closing`` (close
sign-up, 流标), ``auctions`` (live bidding), ``methods`` (the other selection methods),
``awards`` (award, objections, contract, delivery). ``common`` holds the project lock."""
