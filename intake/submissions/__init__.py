"""A submission's life before review: upload, new versions, processing results, reading, purge."""
