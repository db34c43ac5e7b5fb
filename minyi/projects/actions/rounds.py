"""Round actions (filled in below)."""
