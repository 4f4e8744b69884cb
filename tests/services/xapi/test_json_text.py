"""The ingest path's JSON parser reads every document as the standard library does."""

from __future__ import annotations

import json
import math
import random

import pytest

from lodestar.services.xapi.json_text import parse


def _random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(7 if depth < 3 else 4)
    if kind == 0:
        return rng.choice([True, False, None])
    if kind == 1:
        return rng.randint(-(2**70), 2**70) if rng.random() < 0.3 else rng.randint(-999, 999)
    if kind == 2:
        return rng.uniform(-1e6, 1e6)
    if kind == 3:
        return "".join(rng.choice('aé€😀"\\/\n\t 0123456789') for _ in range(rng.randrange(12)))
    if kind == 4:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {f"k{i}": _random_value(rng, depth + 1) for i in range(rng.randrange(4))}


def test_random_documents_parse_to_the_same_values_as_json() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        text = json.dumps(_random_value(rng), ensure_ascii=rng.random() < 0.5)
        assert parse(text) == json.loads(text)
        assert parse(text.encode()) == json.loads(text)


def test_an_integer_beyond_64_bits_stays_exact() -> None:
    text = '{"extensions": {"https://example.com/n": 123456789012345678901234567890}}'
    value = parse(text)["extensions"]["https://example.com/n"]
    assert value == 123456789012345678901234567890
    assert isinstance(value, int)


def test_what_json_accepted_beyond_the_standard_is_still_read_the_same() -> None:
    assert math.isnan(parse("[NaN]")[0])
    assert parse("[1e400]") == [math.inf]
    assert parse('"\\ud800"') == "\ud800"


@pytest.mark.parametrize("text", ['{"id": 1,', "not json", "{'single': 1}", ""])
def test_text_that_is_not_json_raises_json_s_own_error(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as parsed:
        parse(text)
    with pytest.raises(json.JSONDecodeError) as standard:
        json.loads(text)
    assert (parsed.value.msg, parsed.value.pos) == (standard.value.msg, standard.value.pos)


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(ValueError):
        parse(b'{"name": "\xff"}')


@pytest.mark.parametrize(
    "number",
    ["9" * 18, "1" * 19, "-" + "9" * 19, "18446744073709551616", "0." + "3" * 19, "1" * 25 + "e-5"],
)
def test_numbers_near_the_64_bit_edge_read_as_json_reads_them(number: str) -> None:
    text = f'{{"id": "6b2f63a2-1d83-4b41-9d2c-2d1f4c0e2a57", "n": {number}, "m": [{number}]}}'
    for document in (text, text.encode()):
        value = parse(document)
        assert value == json.loads(text)
        assert type(value["n"]) is type(json.loads(text)["n"])


def test_a_lone_surrogate_in_the_text_itself_is_read_as_json_reads_it() -> None:
    text = '{"name": "a\ud800b", "n": 12}'
    assert parse(text) == json.loads(text)
