"""Printable and exportable documents of voices: the three Wuhou forms (.docx) and the ledger (.xlsx)."""
