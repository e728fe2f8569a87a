"""A synthetic news corpus with gold spans, built in the bench itself (no download, any checkout).

Sentences come from templates that place ACTOR, LOCATION and EVENT words the way wire stories do;
names are drawn from pools with a long tail (a Zipf-like pick), so later articles repeat some names
the annotator has tagged (what a dictionary can suggest) and bring new ones (what only a model
that learned the contexts can).
"""
from __future__ import annotations

import random

GROUPS = ["rebels", "the army", "police", "protesters", "militants", "government forces", "soldiers",
          "the opposition", "security forces", "insurgents", "villagers", "students"]
FIRST = ["Amal", "Boris", "Chen", "Dalia", "Emre", "Farid", "Grace", "Hassan", "Ilya", "Jamal", "Karim",
         "Lina", "Mateo", "Nadia", "Omar", "Priya", "Rami", "Sara", "Tariq", "Yusuf"]
LAST = ["Haddad", "Petrov", "Wang", "Nasser", "Kaya", "Rahimi", "Okafor", "Saleh", "Volkov", "Diallo",
        "Mansour", "Silva", "Aziz", "Khan", "Bakr", "Levy", "Noor", "Osei", "Reyes", "Zaki"]
PLACE_PARTS = ["Vel", "Kes", "Mar", "Dun", "Ara", "Sol", "Tir", "Bel", "Qam", "Hal", "Zor", "Nim"]
PLACE_ENDS = ["mora", "sa", "abad", "grad", "ville", "port", "iya", "stan", "ora", "ek"]
EVENTS = ["attacked", "entered", "shelled", "protested", "clashed", "met", "arrested", "fled", "seized",
          "bombed", "negotiated", "marched"]
FILLER = ["Witnesses said the situation remained tense.", "Officials declined to comment.",
          "The report could not be independently verified.", "Prices of bread rose again this week.",
          "Schools stayed closed for a third day."]
TEMPLATES = [
    "{a} {e} {l} on Monday, according to local officials.",
    "In {l}, {a} {e} the main road after heavy fighting.",
    "{a} said they {e} near {l} late on Sunday.",
    "Residents of {l} reported that {a} {e} overnight.",
    "{a} and {b} {e} in {l}, a spokesman said.",
    # A place inside an actor's name is not a LOCATION of its own: the actor span covers it.
    "{c} said {a} {e} {l} before dawn.",
    # A place the event does not happen in is left untagged (a guideline a dictionary cannot know).
    "Flights to {p} resumed on Friday while {a} {e} {l}.",
]


def _zipf(rng: random.Random, pool: list[str]) -> str:
    return pool[min(int(rng.paretovariate(1.1)) - 1, len(pool) - 1)]


def _people(rng: random.Random) -> list[str]:
    return rng.sample([f"{f} {l}" for f in FIRST for l in LAST], 120)


def build_corpus(count: int, *, seed: int = 7, sentences: int = 14) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """``count`` articles: (text, [(start, end, label)]) with code-point offsets."""
    rng = random.Random(seed)
    people = _people(rng)
    places = rng.sample([p + e for p in PLACE_PARTS for e in PLACE_ENDS], 80)
    actors = GROUPS + people
    articles = []
    for n in range(count):
        text, spans = f"Report {n + 1}\n\n", []
        for _ in range(sentences):
            if rng.random() < 0.25:
                text += rng.choice(FILLER) + " "
                continue
            template = rng.choice(TEMPLATES)
            values = {"a": _zipf(rng, actors), "b": _zipf(rng, actors), "l": _zipf(rng, places),
                      "e": rng.choice(EVENTS), "c": f"the {_zipf(rng, places)} council", "p": _zipf(rng, places)}
            labels = {"a": "ACTOR", "b": "ACTOR", "l": "LOCATION", "e": "EVENT", "c": "ACTOR", "p": None}
            sentence, pos = "", 0
            while True:
                i = template.find("{", pos)
                if i < 0:
                    sentence += template[pos:]
                    break
                sentence += template[pos:i]
                key = template[i + 1]
                value = values[key]
                if i == 0:
                    value = value[0].upper() + value[1:]
                start = len(text) + len(sentence)
                sentence += value
                if labels[key] is not None:
                    spans.append((start, start + len(value), labels[key]))
                pos = i + 3
            text += sentence + " "
        articles.append((text.rstrip() + "\n", spans))
    return articles
