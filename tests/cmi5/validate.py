"""Validates xAPI statements with ralph-malph's pydantic model of an xAPI 1.0.3 statement.

    python validate.py report.json

`report.json` is what run.mjs wrote; every statement in its "statements" list must pass
`BaseXapiStatement`, and the list must hold "passed" statements (with their scores). As a
negative control, broken copies of the first statement (no actor, a verb id that is no IRI, a
timestamp that is no date, an unknown property) and of the first "passed" (a scaled score above
1, a raw score above max) must be rejected, so a validator that accepts anything fails the run.
Prints a JSON summary; exits 1 on any failure.
"""

import copy
import json
import sys

from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement


def problems(statement):
    try:
        BaseXapiStatement(**statement)
    except ValidationError as error:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    return []


def broken_scores(passed):
    too_high = copy.deepcopy(passed)
    too_high["result"]["score"]["scaled"] = 2
    above_max = copy.deepcopy(passed)
    above_max["result"]["score"]["raw"] = 150
    return {"scaled score above 1": too_high, "raw score above max": above_max}


def broken_copies(statement):
    no_actor = copy.deepcopy(statement)
    del no_actor["actor"]
    bad_verb = copy.deepcopy(statement)
    bad_verb["verb"]["id"] = "initialized"
    bad_time = copy.deepcopy(statement)
    bad_time["timestamp"] = "yesterday"
    unknown = copy.deepcopy(statement)
    unknown["lessonpack"] = True
    return {"no actor": no_actor, "verb id no IRI": bad_verb, "bad timestamp": bad_time,
            "unknown property": unknown}


def main(path):
    with open(path, encoding="utf-8") as file:
        statements = json.load(file)["statements"]
    invalid = {}
    for statement in statements:
        found = problems(statement)
        if found:
            invalid[statement.get("id", "?")] = found
    passed = [s for s in statements if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"]
    broken = broken_copies(statements[0])
    if passed:
        broken.update(broken_scores(passed[0]))
    accepted = [name for name, bad in broken.items() if not problems(bad)]
    summary = {"validated": len(statements), "passed": len(passed), "invalid": invalid,
               "broken_copies_accepted": accepted}
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0 if statements and passed and not invalid and not accepted else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
