"""The unified social credit code check agrees with python-stdnum's on any input."""

import random
import string

from hypothesis import example, given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from crm.customers.demo import random_uscc
from crm.customers.validators import uscc_compact_valid

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Mostly near-valid codes: right characters, lower case, separators, a wrong check character.
near = st.text(alphabet=ALPHABET + "IOSVZ" + string.ascii_lowercase[:6] + " -", max_size=22)


def _stdnum(value: str) -> str | None:
    return stdnum_uscc.compact(value) if stdnum_uscc.is_valid(value) else None


@given(st.one_of(near, st.text(max_size=24)))
@example("91110000600037341L")
@example("9111 0000-6000 3734 1l")
@example("91110000600037341X")
@example("A1110000600037341L")
@example("９1110000600037341L")  # a full-width digit
def test_same_verdict_as_stdnum(value: str) -> None:
    assert uscc_compact_valid(value) == _stdnum(value)


@given(st.randoms(use_true_random=False), st.sampled_from(["11", "31", "51", ""]))
def test_generated_valid_codes_pass_both(rng: random.Random, province: str) -> None:
    code = random_uscc(rng, province)
    assert stdnum_uscc.is_valid(code) and uscc_compact_valid(code) == code
