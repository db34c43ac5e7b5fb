"""Deliberation pages: public board and projector (public.py), members' phone pages (member.py), staff (staff.py)."""
