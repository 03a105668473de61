"""Let rules written in simplified characters read text in either script.

Rules are written once, in simplified characters. Which traditional
characters stand for each simplified one comes from OpenCC's own
conversion tables, not from a list kept here: 系 is 係 or 繫, 阅 is 閱 or
the Hong Kong 閲, 发 is 發 or 髮. Two ways of using that:

- `both_scripts` widens each simplified character of a regex into a class
  of all its forms, so 联系我们 also matches 聯繫我們 and 聯係我們, and
  the text is scanned as written;
- `fold_to_simplified` maps each traditional character of a text onto its
  simplified form, one character for one, so an offset found in the folded
  text is the same offset in the original.

Both read one table, so a widened rule matches exactly the texts whose
folded form the plain rule matches.
"""

from __future__ import annotations

from functools import cache

import opencc

# t2s is the mainland convention; hk2s adds Hong Kong's own forms that t2s
# leaves alone (衞, 衹, 枱). tw2s is left out: beyond t2s it only respells
# characters simplified text itself uses (著 to 着, 么 to 幺).
_TO_SIMPLIFIED = ("t2s.json", "hk2s.json")
# CJK Unified Ideographs and Extension A, where OpenCC's traditional forms lie.
_IDEOGRAPHS = range(0x3400, 0xA000)


@cache
def _simplified_forms() -> dict[str, str]:
    """Each traditional character OpenCC converts, mapped to its simplified form."""
    chars = [chr(code) for code in _IDEOGRAPHS]
    # One character a line: OpenCC converts whole phrases where it knows
    # them, and no phrase spans a newline, so each character is read alone.
    lines = "\n".join(chars)
    forms: dict[str, str] = {}
    for config in _TO_SIMPLIFIED:
        converted = opencc.OpenCC(config).convert(lines).split("\n")
        for char, simplified in zip(chars, converted, strict=True):
            # Only one-for-one conversions: folding must keep every offset.
            if simplified != char and len(simplified) == 1:
                forms.setdefault(char, simplified)
    return forms


@cache
def _traditional_forms() -> dict[str, str]:
    """Each simplified character mapped to its traditional forms, in code point order."""
    forms: dict[str, str] = {}
    for traditional, simplified in sorted(_simplified_forms().items()):
        forms[simplified] = forms.get(simplified, "") + traditional
    return forms


@cache
def _fold_table() -> dict[int, str]:
    return str.maketrans(_simplified_forms())


def script_forms(char: str) -> str:
    """`char` followed by its traditional forms: "阅" gives "阅閱閲", "1" gives "1"."""
    return char + _traditional_forms().get(char, "")


def folding_table() -> dict[int, str]:
    """The `str.translate` table `fold_to_simplified` applies (shared and cached: read it, never change it)."""
    return _fold_table()


def fold_to_simplified(text: str) -> str:
    """`text` with each traditional character in its simplified form, same length."""
    return text.translate(_fold_table())


def both_scripts(pattern: str) -> str:
    """Return regex source `pattern` with each simplified character widened to [简繁].

    Characters already inside a [...] class are left alone.
    """
    out, in_class = [], False
    for ch in pattern:
        if ch == "[" and not (out and out[-1] == "\\"):
            in_class = True
        elif ch == "]" and not (out and out[-1] == "\\"):
            in_class = False
        forms = script_forms(ch)
        out.append(ch if in_class or len(forms) == 1 else f"[{forms}]")
    return "".join(out)
