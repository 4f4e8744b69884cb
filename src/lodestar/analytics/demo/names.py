"""Names for the demo company's people and team sites, and how people get them.

The first and last names are drawn independently from lists spanning many origins, so the
org chart looks like an international company; emails are ``first.last@brightwater.example``
in plain ASCII, numbered when they repeat; external ids (``BW000001`` …) follow hiring order.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

EMAIL_DOMAIN = "brightwater.example"


TEAM_SITES = (
    "Rotterdam", "Leeds", "Lyon", "Porto", "Gdańsk", "Dublin", "Valencia", "Hamburg",
    "Turin", "Aarhus", "Brno", "Tampere",
)  # fmt: skip


FIRST_NAMES = (
    "Amara", "Kwame", "Chiamaka", "Tunde", "Zanele", "Sipho", "Fatima", "Youssef", "Layla",
    "Omar", "Leila", "Karim", "Noor", "Tariq", "Priya", "Arjun", "Ananya", "Rohan", "Meera",
    "Vikram", "Aditi", "Sanjay", "Farah", "Imran", "Mei", "Wei", "Jun", "Hana", "Kenji",
    "Yuki", "Min-jun", "Seo-yeon", "Linh", "Minh", "Siti", "Rizal", "Mateo", "Valentina",
    "Camila", "Santiago", "Lucía", "Diego", "Isabela", "Thiago", "Gabriela", "Joaquín",
    "Sofía", "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Chloe", "Lucas", "Maya",
    "Jonas", "Freya", "Astrid", "Magnus", "Ingrid", "Eero", "Aino", "Lars", "Sanne", "Daan",
    "Femke", "Bram", "Léa", "Hugo", "Chloé", "Théo", "Giulia", "Marco", "Francesca",
    "Luca", "Chiara", "Katarzyna", "Piotr", "Zofia", "Tomasz", "Ana", "João", "Inês",
    "Rui", "Elena", "Andrei", "Ioana", "Mihai", "Nikos", "Eleni", "Aylin", "Emre", "Zeynep",
    "Dmitri", "Oksana", "Taras", "Siobhán", "Cian", "Aoife", "Rhys", "Nia", "Ewan", "Isla",
    "Kai", "Aroha", "Tane", "Malia", "Keoni", "Dawit", "Selam", "Abebe", "Nadia", "Hamid",
)  # fmt: skip


LAST_NAMES = (
    "Okafor", "Mensah", "Adeyemi", "Nkosi", "Dlamini", "Mwangi", "Haddad", "Mansour",
    "El-Amin", "Farouk", "Rahman", "Haidari", "Sharma", "Patel", "Iyer", "Reddy", "Gupta",
    "Chatterjee", "Khan", "Siddiqui", "Chen", "Wang", "Li", "Zhang", "Tanaka", "Sato",
    "Suzuki", "Kim", "Park", "Nguyen", "Tran", "Santoso", "Garcia", "Rodríguez",
    "Fernández", "López", "Martínez", "Silva", "Santos", "Oliveira", "Pereira", "Costa",
    "Herrera", "Castillo", "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Walker",
    "Murphy", "O'Brien", "Kelly", "Byrne", "Evans", "Jones", "MacLeod", "Campbell",
    "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Müller", "Schmidt",
    "Schneider", "Fischer", "Weber", "Dubois", "Lefèvre", "Moreau", "Laurent", "Rossi",
    "Russo", "Ferrari", "Esposito", "Bianchi", "Nowak", "Kowalski", "Wiśniewski",
    "Novák", "Dvořák", "Horváth", "Popescu", "Ionescu", "Papadopoulos", "Yılmaz",
    "Demir", "Kaya", "Ivanova", "Kovalenko", "Shevchenko", "Johansson", "Lindqvist",
    "Nielsen", "Hansen", "Virtanen", "Korhonen", "Andersen", "Berg", "Tesfaye",
    "Bekele", "Alemu", "Ngata", "Kealoha", "Cohen", "Levi", "Mizrahi",
)  # fmt: skip


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def name_people(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Names, unique emails, and external ids numbered in order of hiring."""
    n = len(people)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    firsts, lasts = np.array(FIRST_NAMES, dtype=object), np.array(LAST_NAMES, dtype=object)
    people["name"] = firsts[first] + " " + lasts[last]
    local = (
        np.array([_ascii(f) for f in FIRST_NAMES], dtype=object)[first]
        + "."
        + np.array([_ascii(s) for s in LAST_NAMES], dtype=object)[last]
    )
    repeat = pd.Series(local).groupby(local).cumcount().to_numpy()
    suffix = np.where(repeat > 0, (repeat + 1).astype(str), "").astype(object)
    people["email"] = local + suffix + "@" + EMAIL_DOMAIN
    number = np.empty(n, dtype=np.int64)
    number[np.argsort(people["hire_day"].to_numpy(), kind="stable")] = np.arange(1, n + 1)
    people["external_id"] = [f"BW{k:06d}" for k in number]
    return people
