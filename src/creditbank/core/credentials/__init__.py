"""Verifiable credentials: W3C VC Data Model 2.0 documents secured with Data Integrity proofs."""
