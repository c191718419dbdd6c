"""Labelled synthetic people: UK names recorded by several partnerships with the variants and typos
real records carry, and the ground truth of who is who (for the tests and the benchmark)."""
from __future__ import annotations

import random
from itertools import accumulate
from dataclasses import dataclass
from datetime import date, timedelta

from engine.resolution.nicknames import nickname_map

GIVEN = """
William James Thomas John George Oliver Harry Jack Charles Edward Henry Daniel David Michael Robert Richard
Christopher Matthew Andrew Joseph Samuel Benjamin Alexander Anthony Stephen Peter Paul Mark Simon Philip
Jonathan Nicholas Timothy Kenneth Ronald Patrick Frederick Lawrence Leonard Gregory Terence Donald Gerald
Harold Joshua Liam Connor Callum Kieran Declan Ryan Jordan Lewis Aaron Reece Tyler Nathan Dylan Jamal Kwame
Mohammed Ahmed Imran Tariq Rajesh Sanjay Arjun Vikram Piotr Tomasz Marek Andrei Seán Ciarán Rhys Gareth Owain
Dafydd Emyr Iwan Craig Fraser Hamish Angus Euan Ruaridh Lachlan Elizabeth Margaret Catherine Victoria Rebecca
Samantha Jennifer Deborah Patricia Susan Christine Barbara Dorothy Frances Jacqueline Alexandra Emma Olivia
Amelia Isla Ava Mia Grace Sophie Lily Ella Chloe Jessica Lucy Hannah Charlotte Holly Megan Bethany Chantelle
Jade Kayleigh Leanne Stacey Kerry Tracey Nicola Joanne Claire Sarah Laura Rachel Zoë Chloë Renée Siân Niamh
Aoife Saoirse Siobhan Fiona Kirsty Morag Eilidh Ffion Cerys Nia Aisha Fatima Priya Anjali Sunita Agnieszka
Katarzyna Magdalena Ioana Precious Blessing Chidinma Abena
""".split()

FAMILY = """
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker
White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris
Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young
Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan
Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali
Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher
Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart
Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill
Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson
Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland
Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke
Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls
Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss
McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George
Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles Stevenson Stephenson Hammond
Arnold Buckley Walters Hewitt Barber Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens
Blake Akhtar Lynch Goodwin Barton Woodward Thomson Cunningham Quinn Barnett Baxter Bibi Clayton Nash
Greenwood Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman Middleton
Lawson Banks French Stanley Jarvis Gibbs Ferguson Hayward Carroll Douglas Nowak Kowalski Wiśniewski Popescu
Okafor Mensah Adeyemi Nwosu Achterberg Ó'Súilleabháin MacLeod McKenzie Fraser Sinclair Munro
""".split()

# Many English family names are a place or a feature: these parts combine into the long tail of rarer
# names that real records have (a few hundred common names cover well under half of the population).
PLACE_STARTS = ("Ash Black Brad Bram Brook Castle Church Cole Cran Dun East Fair Green Hall Hart Hay Holl "
                "Kings Lang Long Mar Mid Mill Moor North Oak Red Roth Shel South Stan Stock Sut Thorn War Wes "
                "Whit Wood Wy Ald Bar Bir Chad Dal Elm Fen Gold Hol Ken Lin").split()
PLACE_ENDS = ("worth burn ford ley ton field wood well by ham stead combe bridge hurst more dale wick shaw "
              "cliffe brook thorpe den hill").split()

DOUBLE_BARRELLED = ["Smith-Jones", "Lloyd-Webber", "Harding-Price", "Cole-Hamilton", "Baker-Wright",
                    "Hughes-Evans", "Ahmed-Khan", "Taylor-Brown"]

KEYBOARD = {c: n for c, n in zip("abcdefghijklmnopqrstuvwxyz",
                                  "sveswdfgujlkmbipwetyibeczt")}  # a plausible neighbouring key


@dataclass(frozen=True)
class SyntheticPerson:
    id: int
    given: str
    middle: str
    family: str
    born: date


@dataclass(frozen=True)
class SyntheticRecord:
    """One partnership's record of a person, and (for the tests only) which person it is."""

    partnership: int
    ref: str
    name: str
    aliases: tuple[str, ...]
    born: date | None
    person: int


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: a swapped pair, a dropped, doubled or mistyped letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    ch = word[i].lower()
    return word[:i] + KEYBOARD.get(ch, ch) + word[i + 1:]


def _short_form(rng: random.Random, given: str) -> str:
    forms = [form for form, canonical in nickname_map().items() if canonical == given.lower()]
    return rng.choice(forms).capitalize() if forms else given


def variant_name(rng: random.Random, person: SyntheticPerson) -> str:
    """How one recorder writes the person's name: a nickname, a typo, swapped order, a title, caps."""
    given, family = person.given, person.family
    roll = rng.random()
    if roll < 0.15:
        given = _short_form(rng, given)
    elif roll < 0.27:
        given = typo(rng, given)
    if rng.random() < 0.12:
        family = typo(rng, family)
    if "-" in family and rng.random() < 0.4:
        family = family.replace("-", " ")
    given = given.replace("ë", "e").replace("é", "e").replace("â", "a") if rng.random() < 0.5 else given
    words = [given] + ([person.middle] if person.middle and rng.random() < 0.3 else []) + [family]
    form = rng.random()
    if form < 0.08:
        text = f"{family.upper()}, {' '.join(words[:-1])}"
    elif form < 0.13:
        text = f"{family} {' '.join(words[:-1])}"
    elif form < 0.18:
        text = f"{rng.choice(['Mr', 'Ms', 'Mrs', 'Miss'])} {' '.join(words)}"
    elif form < 0.25:
        text = " ".join(words).upper()
    else:
        text = " ".join(words)
    return text


def variant_birth(rng: random.Random, born: date) -> date | None:
    """Mostly right; sometimes day and month swapped, a slipped day or year, or not known."""
    roll = rng.random()
    if roll < 0.03:
        return None
    if roll < 0.10 and born.day <= 12 and born.day != born.month:
        return date(born.year, born.day, born.month)
    if roll < 0.15:
        return born.replace(day=min(28, max(1, born.day + rng.choice([-1, 1, 10]))))
    if roll < 0.18 and not (born.month == 2 and born.day == 29):
        return born.replace(year=born.year + rng.choice([-1, 1]))
    return born


def _zipf(rng: random.Random, names: list[str]) -> str:
    """Earlier names in a list are commoner, as Smith is commoner than Sinclair (weight 1 / (rank + 20))."""
    weights = _CUMULATIVE.get(len(names))
    if weights is None:
        weights = _CUMULATIVE[len(names)] = list(accumulate(1.0 / (rank + 20) for rank in range(len(names))))
    return rng.choices(names, cum_weights=weights)[0]


_CUMULATIVE: dict[int, list[float]] = {}


def make_person(rng: random.Random, pid: int, today: date) -> SyntheticPerson:
    roll = rng.random()
    if roll < 0.02:
        family = rng.choice(DOUBLE_BARRELLED)
    elif roll < 0.45:
        family = rng.choice(PLACE_STARTS) + rng.choice(PLACE_ENDS)
    else:
        family = _zipf(rng, FAMILY)
    middle = rng.choice(GIVEN) if rng.random() < 0.3 else ""
    born = today - timedelta(days=rng.randrange(16 * 365, 70 * 365))
    return SyntheticPerson(pid, _zipf(rng, GIVEN), middle, family, born)


def generate(records: int, partnerships: int, duplicate_share: float = 0.3, seed: int = 7,
             today: date = date(2026, 11, 27)) -> list[SyntheticRecord]:
    """`records` records from `partnerships` partnerships, `duplicate_share` of them a further record of
    someone another partnership already recorded; each record says which synthetic person it is."""
    rng = random.Random(seed)
    unique = round(records * (1 - duplicate_share))
    people = [make_person(rng, pid, today) for pid in range(unique)]
    home = [rng.randrange(partnerships) for _ in people]
    out: list[SyntheticRecord] = []
    counters = [0] * partnerships

    def add(person: SyntheticPerson, partnership: int, first: bool) -> None:
        counters[partnership] += 1
        name = f"{person.given} {person.family}" if first and rng.random() < 0.7 else variant_name(rng, person)
        aliases = (variant_name(rng, person),) if rng.random() < 0.1 else ()
        born = person.born if first and rng.random() < 0.7 else variant_birth(rng, person.born)
        out.append(SyntheticRecord(partnership, f"P{partnership}-{counters[partnership]}", name, aliases, born,
                                   person.id))

    holders: list[set[int]] = [{partnership} for partnership in home]
    for person, partnership in zip(people, home):
        add(person, partnership, True)
    added = 0
    while added < records - unique:
        pid = rng.randrange(unique)
        other = rng.randrange(partnerships)
        if other in holders[pid]:
            continue  # a duplicate is always another partnership's record of the person
        holders[pid].add(other)
        add(people[pid], other, False)
        added += 1
    rng.shuffle(out)
    return out


def true_pairs(records: list[SyntheticRecord]) -> set[tuple[int, int]]:
    """Index pairs (lower first) of records that are the same person."""
    by_person: dict[int, list[int]] = {}
    for index, record in enumerate(records):
        by_person.setdefault(record.person, []).append(index)
    return {(a, b) for group in by_person.values() for i, a in enumerate(group) for b in group[i + 1:]}


def predicted_pairs(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {(a, b) for group in groups for i, a in enumerate(sorted(group)) for b in sorted(group)[i + 1:]}


def precision_recall(truth: set[tuple[int, int]], found: set[tuple[int, int]]) -> tuple[float, float]:
    hits = len(truth & found)
    return (hits / len(found) if found else 1.0), (hits / len(truth) if truth else 1.0)
