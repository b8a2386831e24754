"""Handover of approved reviews to the published-review archive. No Flask import.

* ``package``      what is sent: the final document, its metadata, and the idempotency key
* ``signing``      HMAC-SHA256 over timestamp + body for the HTTP sink (and the archive's check)
* ``sinks/``       the sink interface (``base``) and its implementations: ``filesystem``, ``http``, ``s3``
* ``verification`` re-verifies the stored final with the engine's verifier before anything leaves
* ``delivery``     one handover round: hold, re-verify, package, send to each sink (run by the worker's job)
* ``attempts``     the delivery rows: claim under a lease, send one attempt, receipt, backoff, dead letter
* ``outcome``      how a round ends for the submission: published, withdrawn, blocked, failed, retry later
* ``actions``      the Secretariat's and the Panel's actions: retry now, withdraw, see the deliveries
"""
