"""Validation problems, each tied to a line and a field so an editor can fix the source."""

from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str

    def render(self, path: str) -> str:
        return f"{path}:{self.line}: {self.field}: {self.message}"


class CorpusError(Exception):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


def problems_from(error: ValidationError, line: int) -> list[Problem]:
    found = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "extra_forbidden":
            message = "unknown field"
        elif err["type"] == "string_too_short":
            message = "must not be empty"
        if loc == "record" and ": " in message:
            loc, message = message.split(": ", 1)
        found.append(Problem(line, loc, message))
    return found
