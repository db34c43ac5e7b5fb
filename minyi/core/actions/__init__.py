"""State changes of the core app. check_* validates; do_* is atomic and writes the public-record event."""
