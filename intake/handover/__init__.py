"""Handover of approved reviews to the published-review archive (issue 5). No Flask import.

* ``package``   what is sent: the final document, its metadata, and the idempotency key
* ``signing``   HMAC-SHA256 over timestamp + body for the HTTP sink (and the archive's check)
* ``sinks``     the sink interface and its errors; ``filesystem``, ``http``, ``s3`` implement it
* ``verification`` re-verifies the stored final with the engine's verifier before anything leaves
* ``service``   attempts, backoff, dead letter, receipts, withdrawal, the Secretariat's actions
* ``queue``     enqueues ``worker.handover.handover_submission`` by dotted path with the id only
"""
