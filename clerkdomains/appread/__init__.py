"""The app reader: each app folder read the way its framework and Clerk's SDK will run it.

A compiler front end in three steps: parse (tree-sitter grammars for TS/TSX/JS/Vue/HTML),
resolve (env files per mode, consts, spreads, imports), analyse (which middleware runs, for
which paths; which options the server SDK and the browser SDK really get). The result is one
:class:`~clerkdomains.appread.model.AppSetup` per app, every value with the file and line it
came from (or "default", or "unknown" with its expression). ``check``, ``trace-sync
--simulate`` and ``init`` all stand on it and never re-scan files themselves.
"""
