"""A small gazetteer of places: countries, US states and provinces, large cities, regions.

Used twice: to name the locations a cut affects, and to stop a place ("Sweden", "Chicago")
from being mistaken for an employer.
"""

from __future__ import annotations

import re

COUNTRIES = """
Afghanistan|Albania|Algeria|Angola|Argentina|Armenia|Australia|Austria|Azerbaijan|Bahamas|
Bahrain|Bangladesh|Belarus|Belgium|Bolivia|Bosnia|Botswana|Brazil|Bulgaria|Cambodia|Cameroon|
Canada|Chile|China|Colombia|Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Denmark|
Dominican Republic|East Timor|Ecuador|Egypt|El Salvador|Estonia|Ethiopia|Finland|France|Gaza|
Georgia|Germany|West Germany|East Germany|Ghana|Greece|Guatemala|Honduras|Hong Kong|Hungary|
Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|Kenya|
Kuwait|Laos|Latvia|Lebanon|Lesotho|Libya|Lithuania|Luxembourg|Madagascar|Malaysia|Malta|Mexico|
Moldova|Mongolia|Morocco|Mozambique|Myanmar|Namibia|Nepal|Netherlands|Holland|New Zealand|
Nicaragua|Nigeria|North Korea|Norway|Oman|Pakistan|Panama|Paraguay|Peru|Philippines|Poland|
Portugal|Qatar|Romania|Russia|Rwanda|Saudi Arabia|Scotland|Senegal|Serbia|Singapore|Slovakia|
Slovenia|South Africa|South Korea|Korea|Spain|Sri Lanka|Sudan|Surinam|Suriname|Swaziland|
Sweden|Switzerland|Syria|Taiwan|Tanzania|Thailand|Tunisia|Turkey|Uganda|Ukraine|
United Arab Emirates|UAE|United Kingdom|UK|U.K.|Britain|Great Britain|England|Wales|
Northern Ireland|United States|US|U.S.|USA|U.S.A.|America|Uruguay|Uzbekistan|Venezuela|
Vietnam|Yemen|Zambia|Zimbabwe|Soviet Union|USSR|West Bank
"""

REGIONS = """
Europe|European Union|European Community|Asia|Asia-Pacific|Asia Pacific|Africa|Latin America|
North America|South America|Middle East|Far East|Scandinavia|Americas|EMEA|APAC|
Silicon Valley|Midlands|West Midlands|East Midlands|North East|North West|South East|
South West|Ruhr|Rhineland|Bavaria|Catalonia|Flanders|Wallonia|Quebec|Ontario|
British Columbia|Alberta|Yorkshire|Lancashire|Ulster
"""

US_STATES = """
Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Hawaii|Idaho|
Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|
Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|
New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|
South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|
Wisconsin|Wyoming
"""

CITIES = """
London|Paris|Berlin|Bonn|Munich|Frankfurt|Hamburg|Cologne|Stuttgart|Dusseldorf|Düsseldorf|Madrid|
Barcelona|Rome|Milan|Turin|Naples|Lisbon|Porto|Dublin|Belfast|Edinburgh|Glasgow|Cardiff|
Manchester|Birmingham|Liverpool|Leeds|Sheffield|Bristol|Newcastle|Coventry|Oxford|Cambridge|
Brussels|Amsterdam|Rotterdam|The Hague|Antwerp|Zurich|Geneva|Vienna|Prague|Warsaw|Budapest|
Stockholm|Oslo|Copenhagen|Helsinki|Athens|Istanbul|Moscow|Kyiv|Kiev|Bordeaux|Lyon|Marseille|
Toulouse|Tokyo|Osaka|Seoul|Beijing|Shanghai|Shenzhen|Taipei|
Singapore|Mumbai|Bombay|Delhi|New Delhi|Bangalore|Bengaluru|Hyderabad|Chennai|Pune|Karachi|
Dhaka|Jakarta|Manila|Bangkok|Kuala Lumpur|Sydney|Melbourne|Brisbane|Perth|Auckland|
Wellington|Toronto|Montreal|Vancouver|Ottawa|Calgary|Mexico City|Sao Paulo|
São Paulo|Rio de Janeiro|Buenos Aires|Santiago|Lima|Bogota|Johannesburg|Cape Town|Cairo|
Lagos|Nairobi|Tel Aviv|Dubai|Riyadh|New York City|Los Angeles|San Francisco|San Jose|
Seattle|Chicago|Boston|Atlanta|Dallas|Houston|Austin|Denver|Phoenix|Miami|Detroit|Memphis|
Minneapolis|Philadelphia|Pittsburgh|Baltimore|Cleveland|Cincinnati|Columbus|
St. Louis|Kansas City|Oakland|San Diego|Sacramento|Portland|Salt Lake City|Las Vegas|
Nashville|Charlotte|Raleigh|Orlando|Tampa|New Orleans|Milwaukee|Indianapolis|

Redmond|Mountain View|Menlo Park|Cupertino|Palo Alto|
Sunnyvale|Santa Clara|Armonk|Oklahoma City|Dearborn|Washington DC|Washington D.C.
"""


def _names(block: str) -> list[str]:
    return [n.strip() for n in block.replace("\n", "").split("|") if n.strip()]


PLACES: frozenset[str] = frozenset(
    _names(COUNTRIES) + _names(REGIONS) + _names(US_STATES) + _names(CITIES)
)

# Adjectives of place that often lead an employer description ("Australian airline Qantas").
DEMONYMS = frozenset(
    [
        "American",
        "British",
        "English",
        "Scottish",
        "Welsh",
        "Irish",
        "French",
        "German",
        "Italian",
        "Spanish",
        "Dutch",
        "Belgian",
        "Swiss",
        "Austrian",
        "Swedish",
        "Norwegian",
        "Danish",
        "Finnish",
        "Polish",
        "Czech",
        "Hungarian",
        "Greek",
        "Turkish",
        "Russian",
        "Ukrainian",
        "Chinese",
        "Japanese",
        "Korean",
        "Indian",
        "Pakistani",
        "Australian",
        "Canadian",
        "Mexican",
        "Brazilian",
        "Argentine",
        "Chilean",
        "South",
        "African",
        "Nigerian",
        "Egyptian",
        "Israeli",
        "Saudi",
        "European",
        "Asian",
        "African",
        "Bolivian",
        "Spanish",
        "Portuguese",
        "Taiwanese",
        "Thai",
        "Vietnamese",
        "Indonesian",
        "Malaysian",
        "Filipino",
        "Palestinian",
        "Zambian",
        "Lesotho",
        "Sri",
        "Lankan",
        "Bangladeshi",
        "Peruvian",
        "Colombian",
        "Venezuelan",
    ]
)

_PLACE_RE = re.compile(
    r"(?<![\w.])(?:{})(?![\w])".format(
        "|".join(re.escape(p) for p in sorted(PLACES, key=len, reverse=True))
    )
)


def find_places(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _PLACE_RE.finditer(text)]


_COUNTRIES = frozenset(_names(COUNTRIES) + _names(REGIONS))


def is_country(name: str) -> bool:
    """A country or a region ("West Germany", "Europe", "the Ruhr"), not a city or a US state."""
    return name in _COUNTRIES


def is_place(name: str) -> bool:
    return name in PLACES or name in DEMONYMS
