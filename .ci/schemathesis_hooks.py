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
    if _leaves_out_a_parameter(case):
        return
    _whole_items(case)
    for name in list(case.headers or {}):
        value = case.headers[name]
        if name.lower() == "idempotency-key" and isinstance(value, str) and VALID_KEY.match(value):
            case.headers[name] = str(uuid.uuid4())


def _whole_items(case):
    """`fields=` asks for a sparse item (only the fields named): a subset the
    schema's `required` list, which says what a whole item always holds,
    cannot express. Sparse fieldsets are pinned by the API tests; here a
    valid request asks for items whole. A `fields` the document allows goes
    whatever the case (a negative case may be negative in another part,
    and a server that ignores that part answers 200 with a sparse item);
    a malformed one stays, and must still be a 400."""
    if not case.query or "fields" not in case.query:
        return
    if not _is_negative(case) or _allowed_fields(case, case.query["fields"]):
        del case.query["fields"]


def _allowed_fields(case, value):
    """Whether `value` matches the operation's own `fields` pattern."""
    operation = getattr(getattr(case, "operation", None), "definition", None)
    parameters = getattr(operation, "raw", {}).get("parameters", []) if operation else []
    for parameter in parameters:
        if parameter.get("name") == "fields" and parameter.get("in") == "query":
            pattern = parameter.get("schema", {}).get("pattern")
            return isinstance(value, str) and pattern is not None and re.search(pattern, value) is not None
    return False


def _is_negative(case):
    """Whether schemathesis made the case to be refused."""
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    return "NEGATIVE" in str(mode).upper()
