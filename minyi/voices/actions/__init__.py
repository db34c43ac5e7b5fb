"""State changes of voices (V1–V7). check_* validates; do_* is atomic and writes the public-record event."""
