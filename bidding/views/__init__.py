"""Pages of the project life cycle: ``postings``, ``auctions``, ``awards`` (one module each)."""
