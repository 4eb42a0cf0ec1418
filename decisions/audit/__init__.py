"""The audit trail: its hash chain, its model, the head digest, the labels of its codes, the
refused requests it records, and the auditor's reads.

The chain's public names are re-exported here, so ``from decisions.audit import audit_record``
names the chain module's function (decisions/audit/chain.py).
"""

from .chain import (
    ChainReport,
    acting_as,
    audit_record,
    canonical,
    chain_rows,
    current_actor,
    event_fields,
    event_hash,
    snapshot,
    verify_chain,
    verify_events,
)

__all__ = [
    "ChainReport",
    "acting_as",
    "audit_record",
    "canonical",
    "chain_rows",
    "current_actor",
    "event_fields",
    "event_hash",
    "snapshot",
    "verify_chain",
    "verify_events",
]
