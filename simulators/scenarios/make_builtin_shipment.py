#!/usr/bin/env python3
"""Writes ../TLSimulator/Resources/builtin-shipment.json, the built-in example shipment (format 1).

Deterministic (fixed seed). 5 calibration cards (2.00 mSv S-Cs, read 16 days after anneal: the Harshaw calibration protocol of 8 days anneal-to-irradiation + 8 days irradiation-to-readout, for which the LiF:Mg,Ti fading model gives F = 1), 2 control cards,
43 worker cards: 3 with zero dose, 40 with Hp(10) log-uniform in 0.05-20 mSv, S-Cs or S-Co,
30-95 days since anneal. Card IDs are 8 digits with a Luhn check digit (ISO/IEC 7812-1).
"""
import json, math, os, random

def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)

def card_id(prefix: int, n: int) -> str:
    body = f"{prefix}{n:06d}"
    return body + luhn_digit(body)

# ISO 4037-3 slab 0 deg: Hp(0.07)/Ka over Hp(10)/Ka for photon-only fields.
SHALLOW_OVER_DEEP = {"S-Cs": 1.21 / 1.21, "S-Co": 1.16 / 1.15}

rng = random.Random(20261123)
cards = []
for n in range(1, 6):
    cards.append({"id": card_id(9, n), "role": "calibration", "hp10MilliSievert": 2.0,
                  "hp007MilliSievert": 2.0, "quality": "S-Cs", "daysSinceAnneal": 16})
for n in range(1, 3):
    cards.append({"id": card_id(8, n), "role": "control", "hp10MilliSievert": 0,
                  "hp007MilliSievert": 0, "quality": "S-Cs", "daysSinceAnneal": rng.randint(30, 95)})
zero_slots = {7, 21, 35}
for n in range(1, 44):
    quality = "S-Co" if rng.random() < 0.2 else "S-Cs"
    if n in zero_slots:
        hp10 = 0.0
    else:
        hp10 = round(math.exp(rng.uniform(math.log(0.05), math.log(20.0))), 3)
    card = {"id": card_id(1, n), "role": "worker", "hp10MilliSievert": hp10,
            "hp007MilliSievert": round(hp10 * SHALLOW_OVER_DEEP[quality], 3), "quality": quality,
            "daysSinceAnneal": rng.randint(30, 95)}
    if n == 40:
        card["elements"] = [1, 2, 3]  # a pellet lost from position 4
    cards.append(card)

scenario = {
    "format": 1, "seed": 20261123,
    "reader": {"model": "TLR-6600S", "serial": "TL00042", "firmware": "1.4.2"},
    "elementMilliseconds": 40,
    "storageCelsius": 20, "backgroundNanoSievertPerHour": 80,
    "cards": cards,
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "TLSimulator", "Resources", "builtin-shipment.json")
head = {k: v for k, v in scenario.items() if k != "cards"}
lines = [json.dumps(head)[:-1] + ', "cards": [']
lines += ["  " + json.dumps(c) + ("," if i < len(cards) - 1 else "") for i, c in enumerate(cards)]
lines += ["]}"]
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
print(f"wrote {out}: {len(cards)} cards")
