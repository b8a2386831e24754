"""What crosses the sandbox's pipe: the register keeps every kind it holds."""

from redaction.register import parse_register
from redaction.sandbox import codec


def test_a_parsed_register_crosses_to_the_child_with_every_kind_including_details() -> None:
    register = parse_register(
        {
            "people": [{"name": "Ada Quill", "role": "child", "aliases": ["Ady"], "date_of_birth": "2015-03-01"}],
            "addresses": ["1 Mill Lane, Oxbridge OX1 2AB"],
            "public_names": ["Jo Reviewer"],
            "details": [{"type": "school", "value": "Hollowmere Academy"}],
        }
    )
    assert parse_register(codec.register_to_json(register)) == register
