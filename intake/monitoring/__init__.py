"""What an operator watches: dependency checks (``checks``: the web's /readyz, ``safepub worker --check``)
and the Prometheus collector (``collector``: ``safepub metrics``). No Flask import.

Both read shared state only (the database, Redis, the store), never a process's own memory, so any one
process on any machine gives the same answer whichever machine did the work.
"""
