"""``python -m clerkdomains``."""

from clerkdomains.cli import main

main()
