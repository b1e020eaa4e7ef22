"""The ledger's pure parts: RFC 9162 Merkle trees, canonical entries and signed checkpoints."""
