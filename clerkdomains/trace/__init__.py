"""Live tracing of a real deployment and reading browser HAR exports (``trace-sync URL``, ``--har``).

Modules: ``live`` (the hop-by-hop HTTP follower, httpx), ``jar`` (the simulate mode's
browser cookie jar fed real Set-Cookie headers), ``meaning`` (the Clerk meaning of a
hop and who answered), ``compare`` (replaying hops through the simulate model),
``checks`` (single-hop checks), ``report`` (outcome and ranked findings), ``har``
(the Clerk chain in a HAR, sanitized exports), ``redact`` (``--redact-har``).

Library use::

    from clerkdomains.trace.live import FollowOptions, follow
    from clerkdomains.trace.report import build_report
    from clerkdomains.trace.compare import model_predictor

    run = follow(url, FollowOptions(resolve=("app.com:443:10.0.0.5",), cacert=Path("ca.pem")))
    report = build_report("live", url, run.hops, setup=setup, stop=run.stop, stop_findings=run.findings,
                          loop_start=run.loop_start, predict=model_predictor())
    report.outcome, report.hops, report.findings
"""
