"""``clerkdomains explain``: what ``authenticateRequest`` of ``@clerk/backend`` answers to exactly
one request, and why.

The request comes from flags (:mod:`.requests`), a DevTools "Copy as cURL" line
(:mod:`.curl`), a HAR entry (:mod:`.har`) or a raw HTTP/1.1 request (:mod:`.raw`); the options
by their SDK names (:mod:`.options`); the answer from the model in :mod:`clerkdomains.sync`
(:mod:`.core`), with the decision-list row that fired and the change to try (:mod:`.rules`).
"""

from __future__ import annotations

from .core import Expectation, Explanation, explain, read_payload
from .options import SDK_OPTION_FIELDS, EffectiveOptions, build_options
from .requests import RequestSpec, build_request, from_flags

__all__ = ["SDK_OPTION_FIELDS", "EffectiveOptions", "Expectation", "Explanation", "RequestSpec", "build_options",
           "build_request", "explain", "from_flags", "read_payload"]
