"""Name, address and phone pools for the demo and synthetic contacts, per country.

Plain data and a few pure helpers; the callers draw from these with their own seeded
`random.Random`, so every generated value is deterministic.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    post_code: str
    language: str


@dataclass(frozen=True)
class CountryProfile:
    code: str
    phone_prefix: str
    legal_forms: tuple[str, ...]
    cities: tuple[City, ...]
    streets: tuple[str, ...]
    house_no_first: bool
    female: tuple[str, ...]
    male: tuple[str, ...]
    last_names: tuple[str, ...]
    web_suffix: str


def _cities(language: str, *pairs: tuple[str, str]) -> tuple[City, ...]:
    return tuple(City(name, post_code, language) for name, post_code in pairs)


BE = CountryProfile(
    "BE",
    "+32",
    ("NV", "BV", "SA", "SRL"),
    _cities(
        "NLB",
        ("Antwerpen", "2000"),
        ("Gent", "9000"),
        ("Brugge", "8000"),
        ("Leuven", "3000"),
        ("Hasselt", "3500"),
        ("Mechelen", "2800"),
        ("Kortrijk", "8500"),
    )
    + _cities(
        "FRB",
        ("Bruxelles", "1000"),
        ("Liège", "4000"),
        ("Namur", "5000"),
        ("Charleroi", "6000"),
        ("Mons", "7000"),
        ("Wavre", "1300"),
    ),
    (
        "Kerkstraat",
        "Stationsstraat",
        "Rue de la Loi",
        "Meir",
        "Chaussée de Louvain",
        "Industrieweg",
        "Avenue Louise",
        "Nijverheidslaan",
    ),
    False,
    ("Lotte", "Elise", "Marie", "Sofie", "Camille", "Julie", "An", "Els", "Charlotte", "Lien"),
    ("Pieter", "Jan", "Wouter", "Thomas", "Luc", "Koen", "Olivier", "Mathieu", "Bart", "Tom"),
    (
        "Peeters",
        "Janssens",
        "Maes",
        "Jacobs",
        "Mertens",
        "Willems",
        "Claes",
        "Goossens",
        "Wouters",
        "De Smet",
        "Dubois",
        "Lambert",
        "Dupont",
        "Martin",
        "Leclercq",
        "Vermeulen",
    ),
    "be",
)

NL = CountryProfile(
    "NL",
    "+31",
    ("BV", "NV"),
    _cities(
        "NLB",
        ("Amsterdam", "1012 AB"),
        ("Rotterdam", "3011 AA"),
        ("Utrecht", "3511 AB"),
        ("Eindhoven", "5611 AA"),
        ("Den Haag", "2511 AA"),
        ("Groningen", "9711 AA"),
        ("Zwolle", "8011 AA"),
    ),
    ("Hoofdstraat", "Dorpsstraat", "Kerkweg", "Stationsplein", "Marktstraat", "Havenweg"),
    False,
    ("Emma", "Sanne", "Anouk", "Femke", "Lisa", "Noor", "Eva", "Iris"),
    ("Daan", "Sem", "Lars", "Bram", "Joost", "Ruben", "Tim", "Maarten"),
    (
        "de Jong",
        "Jansen",
        "de Vries",
        "van den Berg",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
        "Bos",
        "Vos",
    ),
    "nl",
)

FR = CountryProfile(
    "FR",
    "+33",
    ("SA", "SARL", "SAS"),
    _cities(
        "FRB",
        ("Paris", "75008"),
        ("Lyon", "69002"),
        ("Lille", "59000"),
        ("Marseille", "13001"),
        ("Nantes", "44000"),
        ("Bordeaux", "33000"),
        ("Strasbourg", "67000"),
    ),
    (
        "Rue de la République",
        "Avenue Victor Hugo",
        "Boulevard Voltaire",
        "Rue Nationale",
        "Place du Marché",
        "Rue des Lilas",
    ),
    True,
    ("Chloé", "Léa", "Manon", "Inès", "Sophie", "Claire", "Amélie", "Nathalie"),
    ("Julien", "Nicolas", "Antoine", "Hugo", "Pierre", "Louis", "François", "Maxime"),
    (
        "Bernard",
        "Durand",
        "Moreau",
        "Laurent",
        "Simon",
        "Michel",
        "Lefèvre",
        "Garnier",
        "Rousseau",
        "Fournier",
        "Girard",
        "Bonnet",
    ),
    "fr",
)

DE = CountryProfile(
    "DE",
    "+49",
    ("GmbH", "AG", "KG"),
    _cities(
        "DEU",
        ("Berlin", "10115"),
        ("Hamburg", "20095"),
        ("München", "80331"),
        ("Köln", "50667"),
        ("Frankfurt am Main", "60311"),
        ("Düsseldorf", "40213"),
        ("Stuttgart", "70173"),
    ),
    ("Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenweg", "Lindenallee", "Am Markt"),
    False,
    ("Anna", "Laura", "Katrin", "Julia", "Sabine", "Lena", "Petra", "Miriam"),
    ("Lukas", "Felix", "Jonas", "Stefan", "Andreas", "Markus", "Tobias", "Michael"),
    (
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Hoffmann",
        "Schulz",
        "Koch",
        "Richter",
    ),
    "de",
)

GB = CountryProfile(
    "GB",
    "+44",
    ("Ltd", "PLC", "LLP"),
    _cities(
        "ENU",
        ("London", "EC1A 1BB"),
        ("Manchester", "M1 1AE"),
        ("Birmingham", "B1 1BB"),
        ("Leeds", "LS1 1UR"),
        ("Bristol", "BS1 4DJ"),
        ("Edinburgh", "EH1 1YZ"),
        ("Cambridge", "CB2 1TN"),
    ),
    ("High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane"),
    True,
    ("Olivia", "Emily", "Charlotte", "Sophie", "Hannah", "Grace", "Lucy", "Alice"),
    ("Oliver", "George", "Harry", "James", "William", "Jack", "Thomas", "Edward"),
    (
        "Smith",
        "Jones",
        "Taylor",
        "Brown",
        "Williams",
        "Wilson",
        "Johnson",
        "Davies",
        "Robinson",
        "Wright",
        "Thompson",
        "Evans",
    ),
    "co.uk",
)

US = CountryProfile(
    "US",
    "+1",
    ("Inc.", "LLC", "Corp."),
    _cities(
        "ENU",
        ("New York, NY", "10001"),
        ("Chicago, IL", "60601"),
        ("Seattle, WA", "98101"),
        ("Atlanta, GA", "30303"),
        ("Boston, MA", "02108"),
        ("Austin, TX", "73301"),
    ),
    ("Main Street", "Oak Avenue", "Maple Drive", "Washington Boulevard", "Lake Street"),
    True,
    ("Jennifer", "Emily", "Sarah", "Jessica", "Ashley", "Megan", "Rachel", "Amanda"),
    ("Michael", "Christopher", "Matthew", "Joshua", "Daniel", "David", "Ryan", "Brian"),
    (
        "Miller",
        "Davis",
        "Garcia",
        "Rodriguez",
        "Martinez",
        "Anderson",
        "Clark",
        "Lewis",
        "Walker",
        "Hall",
        "Young",
        "King",
    ),
    "com",
)

PROFILES: dict[str, CountryProfile] = {p.code: p for p in (BE, NL, FR, DE, GB, US)}

# Words that make company names: a distinctive word and a trade that fits an industry group.
NAME_WORDS = (
    "Atlas",
    "Nova",
    "Delta",
    "Horizon",
    "Orion",
    "Zenith",
    "Summit",
    "Pioneer",
    "Vertex",
    "Keystone",
    "Lumen",
    "Meridian",
    "Polaris",
    "Riverside",
    "Sterling",
    "Cobalt",
    "Evergreen",
    "Granite",
    "Harbor",
    "Juniper",
    "Maple",
    "Nimbus",
    "Oakwood",
    "Quantum",
    "Redwood",
    "Sapphire",
    "Tandem",
    "Unity",
    "Willow",
    "Apex",
)

TRADES = {
    "RETAIL": ("Stores", "Shops", "Retail", "Boutiques"),
    "WHOLESALE": ("Wholesale", "Distribution", "Trading"),
    "MANUFACT": ("Industries", "Manufacturing", "Works", "Components"),
    "SERVICES": ("Consulting", "Services", "Advisors"),
    "IT": ("Software", "Systems", "Digital"),
    "FOOD": ("Foods", "Bakery", "Brewery", "Fresh Market"),
    "CONSTRUCT": ("Construction", "Builders", "Engineering"),
    "FINANCE": ("Finance", "Insurance", "Capital"),
}


def ascii_slug(text: str, *, separator: str = "") -> str:
    """Lower-case ASCII letters and digits of `text` (for e-mail addresses and domains)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = ["".join(ch for ch in word if ch.isalnum()) for word in plain.lower().split()]
    return separator.join(word for word in words if word)


def address(rng: random.Random, profile: CountryProfile) -> str:
    street = rng.choice(profile.streets)
    number = rng.randint(1, 240)
    return f"{number} {street}" if profile.house_no_first else f"{street} {number}"


def phone(rng: random.Random, profile: CountryProfile, *, mobile: bool = False) -> str:
    area = rng.randint(400, 499) if mobile else rng.randint(2, 89)
    return f"{profile.phone_prefix} {area} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def vat_no(rng: random.Random, country: str) -> str:
    digits = "".join(str(rng.randint(0, 9)) for _ in range(9))
    return f"{country}0{digits}" if country == "BE" else f"{country}{digits}"
