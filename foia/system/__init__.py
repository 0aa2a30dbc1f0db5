"""The instance itself: its periodic jobs, their health, and the queues they work through."""
