"""End-to-end tests on a loopback deployment (real @clerk/backend, Frontend API stand-in, Chromium)."""
