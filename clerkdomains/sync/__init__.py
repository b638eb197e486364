"""The sync model: what Clerk's SDKs, the Frontend API, clerk-js and a browser do with
each request of the satellite sync / handshake chain (``../shared/clerk-protocol.md``
§2, §3, §6, §7).

A pure model: no network and no file I/O. ``backend.authenticate_request`` is the
server SDK's decision for one request; ``chain.run_chain`` drives a simulated browser
through every party until the chain settles; ``diagnose`` names causes and fixes.
"""
