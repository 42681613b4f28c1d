"""Database backends: Django's, with what this project measured it needs (see postgresql)."""
