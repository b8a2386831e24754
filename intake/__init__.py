"""SafePub's intake service: Flask app, API, web UI, auth, storage and crypto."""
