"""Scaffolding for ``clerkdomains init``: what each app needs (``templates``), and how it
reaches disk without losing a user's work (``plan`` then ``apply``)."""
