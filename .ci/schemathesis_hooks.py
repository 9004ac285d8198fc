"""Hooks for the schemathesis run of .ci/schemathesis (see schemathesis.toml)."""

import re
import uuid

import schemathesis

VALID_KEY = re.compile(r"^[!-~]{1,255}$")


def _leaves_out_a_parameter(case):
    """Whether the case tests a missing parameter (a header left out): edits
    to its headers would make schemathesis relabel it."""
    data = getattr(getattr(getattr(case, "meta", None), "phase", None), "data", None)
    scenario = getattr(data, "scenario", None)
    return scenario is not None and "MISSING" in str(scenario).upper()


@schemathesis.hook
def before_call(context, case, **kwargs):
    """An Idempotency-Key is the client's promise that two requests are one.
    A generator draws short keys again and again with other bodies, which
    bantin rightly refuses (422 `idempotency_key_reused`); a real client
    draws a UUID per request. Well-formed keys are made unique here;
    malformed ones are left alone for the negative checks."""
    if _leaves_out_a_parameter(case) or not case.headers:
        return
    for name in list(case.headers):
        value = case.headers[name]
        if name.lower() == "idempotency-key" and isinstance(value, str) and VALID_KEY.match(value):
            case.headers[name] = str(uuid.uuid4())
