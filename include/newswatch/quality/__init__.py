"""Checks on the data: the incoming GX suite, batch and stored checks, the entry ledger, Data Docs."""
