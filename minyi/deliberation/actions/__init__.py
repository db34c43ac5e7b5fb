"""The only code that changes deliberation state: councils.py, meetings.py, topics.py, polls.py."""
