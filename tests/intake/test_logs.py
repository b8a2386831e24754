"""Log lines are JSON, and nothing shaped like a secret or document text reaches them."""

from __future__ import annotations


def test_log_lines_are_json_and_mask_anything_shaped_like_a_token():
    import io
    import json
    import logging

    from intake.logs import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("safepub.test.logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("got header Bearer abc.def", extra={"token": "sp_" + "A" * 40, "count": 3})
        try:
            raise ValueError("Zephyrine Quillfeather")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert "abc.def" not in first["event"] and "AAAA" not in first["token"] and first["count"] == 3
    assert second["exc_type"] == "ValueError" and "Zephyrine" not in json.dumps(second)
