"""The synthetic bank: the same seed gives the same bank, block by block; identities are valid and
unique; the mix of outcomes is what was asked for, with a few repeated and bad rows."""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from creditbank.core import synth
from creditbank.core.identity import parse_identity


def test_the_same_seed_gives_the_same_block_and_another_seed_another() -> None:
    catalogue = synth.bank(7, 12_000)
    assert synth.bank(7, 12_000) == catalogue
    assert synth.people(7, 1, 12_000) == synth.people(7, 1, 12_000)
    assert list(synth.outcomes(7, 1, 12_000, 100_000, catalogue)) == list(
        synth.outcomes(7, 1, 12_000, 100_000, catalogue)
    )
    assert [p.full_name for p in synth.people(8, 1, 12_000)] != [
        p.full_name for p in synth.people(7, 1, 12_000)
    ]


def test_blocks_cover_every_learner_once() -> None:
    learners = 12_345
    numbers = [p.number for b in range(synth.blocks(learners)) for p in synth.people(3, b, learners)]
    assert len(numbers) == learners == len(set(numbers))


@given(st.integers(min_value=1, max_value=20_000_000))
def test_blocks_partition_the_learners_in_order(learners: int) -> None:
    ranges = [synth.block_range(b, learners) for b in range(synth.blocks(learners))]
    assert ranges[0].start == 0
    assert ranges[-1].stop == learners
    assert all(a.stop == b.start for a, b in pairwise(ranges))
    assert all(0 < len(r) <= synth.MAX_BLOCK for r in ranges)


def test_a_large_bank_deposits_in_blocks_of_several_hundred_rows_an_institution() -> None:
    learners = 1_250_000
    per_institution = 4 * synth.block_size(learners) / len(synth.bank(1, learners).institutions)
    assert per_institution >= 500  # 80 with fixed blocks of 5 000: each deposit's fixed cost dominated


def test_identities_are_valid_and_unique() -> None:
    late = synth.people(1, synth.blocks(1_000_000) - 1, 1_000_000)[-5_000:]
    people = synth.people(1, 0, 5_000) + late  # early and late indexes
    identities = [parse_identity(p.id_scheme, p.id_number, today=date(2026, 12, 1)) for p in people]
    assert len({i.canonical() for i in identities}) == len(people)
    assert Counter(p.region for p in people)["GD"] > 0.7 * len(people)


@settings(max_examples=25)
@given(st.integers(0, 10**8), st.integers(0, 999))
def test_learner_numbers_look_like_the_banks_own(index: int, seed: int) -> None:
    number = synth.learner_number(seed, index)
    assert len(number) == 11
    assert number[0] == "L"
    assert set(number[1:]) <= set(synth.ALPHABET)


def test_the_outcome_mix() -> None:
    catalogue = synth.bank(1, 5_000)
    rows = list(synth.outcomes(1, 0, 5_000, 100_000, catalogue))
    assert 0.9 * 100_000 < len(rows) < 1.1 * 100_000
    units = {u.code for u in catalogue.units}
    bad = [r for r in rows if r.unit_code not in units or r.achieved_on > "2098"]
    repeated = len(rows) - len(set(rows))
    assert 0 < len(bad) < 0.01 * len(rows)
    assert 0 < repeated < 0.03 * len(rows)
    types = Counter(r.outcome_type for r in rows)
    assert types["formal"] > types["non_formal"] > types["informal"] > 0
    years = Counter(r.achieved_on[:4] for r in rows if r.achieved_on < "2098")
    assert len(years) >= 20  # spread over twenty years


def test_mainland_institutions_carry_valid_credit_codes() -> None:
    from creditbank.core.identity import parse_uscc

    institutions = synth.bank(1, 100_000).institutions
    mainland = [i for i in institutions if i.region == "GD"]
    assert mainland
    assert len({parse_uscc(i.uscc) for i in mainland}) == len(mainland)
    assert all(i.uscc == "" for i in institutions if i.region != "GD")
