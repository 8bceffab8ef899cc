"""``address(name, *args, **kwargs)``: what ``reverse()`` gives, worked out once per process for
each URL name and its arguments' names, then filled in with the values.

A list of 25 people reverses 25 addresses, and the menu a dozen, on every page; each
``reverse()`` tries the URLconf's patterns again. An address's shape is fixed while the process
runs: it is reversed once with stand-in numbers, checked against a second reversal with other
numbers, and then formatted. A route whose address does not come out as its numbers in plain
text (a converter of its own) is reversed every time, as before. The shape is kept per script
prefix and URLconf (the request's, else the setting's, so that a test that swaps it gets its own).
Any other value (a token, a slug, a negative number) is reversed every time.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_STAND_INS = (987_654_301, 876_543_201)  # no real address holds these


def address(name: str, *args: int | str, **kwargs: int | str) -> str:
    """The address of ``name`` with its arguments, as ``reverse()`` gives it."""
    keys = tuple(sorted(kwargs))
    numbers = all(type(value) is int and value >= 0 for value in (*args, *kwargs.values()))
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    shape = _shape(name, len(args), keys, get_script_prefix(), urlconf) if numbers else None
    if shape is None:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return shape.format(*args, *(kwargs[key] for key in keys))


@lru_cache(maxsize=512)
def _shape(name: str, arity: int, keys: tuple[str, ...], prefix: str, urlconf: str) -> str | None:
    """The address with ``{0}``, ``{1}``… for its arguments (positional first, then by name),
    reversed under ``prefix``, the script prefix of this thread; None where that cannot be."""

    def reversed_with(first: int) -> tuple[str, list[str]]:
        values = [first + 1000 * i for i in range(arity + len(keys))]
        url = reverse(
            name,
            urlconf=urlconf,
            args=values[:arity] or None,
            kwargs=dict(zip(keys, values[arity:], strict=True)) or None,
        )
        return url, [str(value) for value in values]

    try:
        url, values = reversed_with(_STAND_INS[0])
    except NoReverseMatch:
        return None  # reverse() says why, every time
    shape = url.replace("{", "{{").replace("}", "}}")
    for i, value in enumerate(values):
        if shape.count(value) != 1:
            return None
        shape = shape.replace(value, f"{{{i}}}")
    check, other = reversed_with(_STAND_INS[1])
    return shape if shape.format(*other) == check else None
