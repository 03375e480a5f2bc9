"""Build the package's reference tables in ``matching/data/reference/data/``.

Derives compact, project-specific tables from the public source files in the shared data
folder (``../shared/data`` relative to the repository root, see its ``README.md``) and
writes the hand-curated vocabularies (certificates, skills, target groups, default SROI
valuation) kept below as Python data. Output is deterministic: rows are sorted, floats are
written with a fixed number of decimals and line endings are ``\\n``, so rerunning the
script gives byte-identical files (``tests/test_reference.py`` checks this).

Usage::

    python scripts/build_reference.py [--shared ../shared/data] [--out matching/data/reference/data]

Sources and licences
--------------------
* Municipalities, centroids, labour-market regions and their outlines: CBS / PDOK
  gebiedsindelingen 2024-2025 (CC BY 4.0).
* PC4 postcodes: GeoNames postal code dump (CC BY 4.0, "GeoNames").
* Occupations and ISCO-08 groups: ESCO classification, (c) European Union ("ESCO, European
  Commission"), reusable with attribution.
* Certificates, skills, target groups and the default valuation: curated by the project from
  the domain brief (``DOMAIN.md``: PIANOo, UWV, impactoost.nl uniform model East-Netherlands).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO / ".." / "shared" / "data"
DEFAULT_OUT = REPO / "matching" / "data" / "reference" / "data"

IN_SCOPE_REGIONS: tuple[str, ...] = ("Friesland", "Groningen", "Drenthe")
"""Labour-market regions (2025) served by the northern coordination points."""

EXTRA_ISLANDS: dict[str, str] = {"GM0448": "Texel"}
"""Ferry-only municipalities outside the northern source file (which flags the four
Frisian Wadden islands itself)."""

PLACE_FIXES: dict[str, str] = {
    # Brielle, Hellevoetsluis and Westvoorne merged into Voorne aan Zee (GM1992) on
    # 2023-01-01; the GeoNames dump carries these PC4s without a municipality code.
    "Brielle": "GM1992",
    "Hellevoetsluis": "GM1992",
    "Oostvoorne": "GM1992",
    "Oudenhoorn": "GM1992",
    "Rockanje": "GM1992",
    "Tinte": "GM1992",
    "Vierpolders": "GM1992",
    "Zwartewaal": "GM1992",
}
"""GeoNames place name -> 2025 CBS code for rows whose municipality code is missing or
no longer exists."""

MAX_SYNONYMS = 12
"""Synonyms kept per target-sector occupation (Dutch first, then English)."""

# ---------------------------------------------------------------------------------------
# Hand-curated vocabularies. Synonyms are Dutch and English spellings a coordinator or
# candidate may type; they are matched after normalisation (lower case, no diacritics,
# punctuation folded to spaces), see features.vocabulary.normalise_term.
# ---------------------------------------------------------------------------------------

# (code, label_nl, label_en, sector, synonyms)
CERTIFICATES: tuple[tuple[str, str, str, str, str], ...] = (
    ("vca_basis", "VCA basis (B-VCA)", "Basic safety VCA (B-VCA)", "construction",
     "B-VCA|VCA basis|VCA|basisveiligheid VCA|VCA B|BVCA|basis VCA|VCA basisveiligheid|"
     "VCA certificaat|VCA diploma|basic safety VCA|SCC basic|safety checklist contractors"),
    ("vol_vca", "VOL-VCA", "VCA for supervisors (VOL-VCA)", "construction",
     "VOL-VCA|VCA VOL|VCA vol|VOLVCA|VCA voor leidinggevenden|"
     "veiligheid voor operationeel leidinggevenden|VCA supervisor|SCC supervisor"),
    ("vca_groen", "B-VCA Groen", "Basic safety VCA green sector", "green",
     "B-VCA Groen|VCA groen|BVCA groen|basisveiligheid groen|VCA green|basic safety VCA green"),
    ("vwlw", "Veilig Werken Langs de Weg", "Safe working along roads (VWLW)", "infrastructure",
     "Veilig Werken Langs de Weg|VWLW|CROW 96a|CROW 96b|CROW96a|CROW96b|"
     "veilig werken langs de weg 96a|veilig werken langs de weg 96b|safe working along roads|"
     "roadside safety"),
    ("verkeersregelaar", "Verkeersregelaar (aanstelling)", "Traffic controller certificate",
     "infrastructure",
     "verkeersregelaarspas|verkeersregelaar certificaat|aanstelling verkeersregelaar|"
     "evenementenverkeersregelaar|traffic controller certificate|traffic marshal certificate"),
    ("heftruck", "Heftruckcertificaat", "Forklift licence", "logistics",
     "heftruckcertificaat|heftruck certificaat|heftruck|heftruckrijbewijs|heftruck rijbewijs|"
     "heftruckdiploma|vorkheftruck|forklift|forklift licence|forklift license|"
     "forklift certificate"),
    ("reachtruck", "Reachtruckcertificaat", "Reach truck licence", "logistics",
     "reachtruckcertificaat|reachtruck certificaat|reachtruck|reach truck|reach truck licence|"
     "reach truck license|reach truck certificate"),
    ("hoogwerker", "Hoogwerkercertificaat (IPAF)", "Aerial work platform licence (IPAF)",
     "construction",
     "hoogwerkercertificaat|hoogwerker certificaat|hoogwerker|IPAF|IPAF 3a|IPAF 3b|"
     "hoogwerker IPAF|aerial work platform|MEWP|aerial lift|cherry picker"),
    ("bhv", "Bedrijfshulpverlening (BHV)", "In-company emergency response (BHV)", "general",
     "BHV|bedrijfshulpverlening|bedrijfshulpverlener|BHV certificaat|BHV diploma|"
     "emergency response officer|in-company emergency response"),
    ("ehbo", "EHBO", "First aid", "general",
     "EHBO|eerste hulp bij ongelukken|EHBO diploma|EHBO certificaat|first aid|"
     "first aid certificate|first aider"),
    ("aed_reanimatie", "Reanimatie en AED", "CPR and AED", "general",
     "reanimatie|AED|reanimatie AED|reanimatiecursus|CPR|CPR AED|resuscitation"),
    ("asbest_awareness", "Asbest awareness", "Asbestos awareness", "construction",
     "asbest awareness|asbestherkenning|asbest bewustwording|asbestos awareness|"
     "asbestos awareness training"),
    ("gasmeten", "Gasmeten", "Gas measuring", "infrastructure",
     "gasmeten|gas meten|gasmeting|gasmeten certificaat|gas measuring|gas measurement|"
     "gas detection"),
    ("rijbewijs_b", "Rijbewijs B", "Driving licence B", "general",
     "rijbewijs B|B rijbewijs|autorijbewijs|rijbewijs auto|driving licence B|"
     "driving license B|driver's license B|drivers licence B|car driving licence"),
    ("rijbewijs_be", "Rijbewijs BE", "Driving licence BE", "general",
     "rijbewijs BE|rijbewijs B+E|BE rijbewijs|aanhangwagenrijbewijs|driving licence BE|"
     "driving license BE|driving licence B+E|trailer licence"),
    ("rijbewijs_c", "Rijbewijs C", "Driving licence C", "logistics",
     "rijbewijs C|C rijbewijs|vrachtwagenrijbewijs|driving licence C|driving license C|"
     "truck licence|lorry licence"),
    ("rijbewijs_ce", "Rijbewijs CE", "Driving licence CE", "logistics",
     "rijbewijs CE|rijbewijs C+E|CE rijbewijs|trekker-oplegger rijbewijs|driving licence CE|"
     "driving license CE|driving licence C+E|articulated lorry licence"),
    ("rijbewijs_t", "Rijbewijs T (trekker)", "Tractor licence (T)", "green",
     "rijbewijs T|trekkerrijbewijs|tractorrijbewijs|driving licence T|tractor licence"),
    ("code95", "Code 95", "Driver CPC (code 95)", "logistics",
     "code 95|code95|vakbekwaamheid chauffeur|nascholing code 95|driver CPC|"
     "certificate of professional competence"),
    ("kraanmachinist", "Machinist mobiele kraan", "Mobile crane operator", "construction",
     "kraanmachinist|machinist mobiele kraan|mobiele kraan|kraanmachinist certificaat|"
     "TCVT mobiele kraan|mobile crane|mobile crane operator|crane operator certificate"),
    ("grondverzetmachinist", "Machinist grondverzet", "Earthmoving machine operator",
     "infrastructure",
     "machinist grondverzet|grondverzetmachinist|graafmachinist certificaat|"
     "machinist grondverzet GPS|earthmoving machine operator|excavator licence|"
     "excavator operator certificate"),
    ("steigerbouwer", "Steigerbouwer (certificaat)", "Scaffolder certificate", "construction",
     "steigerbouwer certificaat|allround steigerbouwer|steigerbouwdiploma|"
     "scaffolder certificate|scaffolding certificate"),
    ("nen3140", "NEN 3140 (VOP)", "NEN 3140 instructed person", "construction",
     "NEN 3140|NEN3140|VOP NEN 3140|voldoende onderricht persoon|NEN 3140 VOP|"
     "instructed person electrical"),
    ("lascertificaat", "Lascertificaat", "Welding certificate", "production",
     "lascertificaat|lasdiploma|lasbrevet|welding certificate|welder certificate"),
    ("spuitlicentie", "Spuitlicentie (gewasbescherming)", "Pesticide application licence",
     "green",
     "spuitlicentie|bewijs van vakbekwaamheid gewasbescherming|gewasbescherming|"
     "pesticide licence|pesticide application licence"),
    ("motorzaag", "Motorkettingzaag certificaat", "Chainsaw certificate", "green",
     "motorkettingzaag|motorzaag|kettingzaag|kettingzaagcertificaat|ECC|"
     "european chainsaw certificate|chainsaw certificate|chainsaw licence"),
    ("sociale_hygiene", "Sociale Hygiëne", "Social hygiene (hospitality licence)",
     "hospitality",
     "sociale hygiene|verklaring sociale hygiene|SVH sociale hygiene|diploma sociale hygiene|"
     "social hygiene"),
    ("haccp", "HACCP", "HACCP food hygiene", "hospitality",
     "HACCP|HACCP certificaat|hygienecode|food hygiene certificate|HACCP certificate"),
    ("vakbekwaamheid_schoonmaak", "Vakbekwaamheid schoonmaak (SVS)",
     "Cleaning qualification (SVS)", "cleaning",
     "SVS schoonmaak|SVS|vakdiploma schoonmaak|basis schoonmaak vakbekwaamheid|"
     "schoonmaakdiploma|vakbekwaamheid schoonmaak|cleaning qualification|cleaning diploma"),
)

# (code, label_nl, label_en, sector, synonyms)
SKILLS: tuple[tuple[str, str, str, str, str], ...] = (
    # construction
    ("metselen", "Metselen", "Bricklaying", "construction",
     "metselaar|metselwerk|bricklayer|brickwork|masonry"),
    ("timmeren", "Timmeren", "Carpentry", "construction",
     "timmerman|timmerwerk|bouwtimmeren|houtbouw|carpenter|joinery"),
    ("tegelzetten", "Tegelzetten", "Tiling", "construction",
     "tegelzetter|tegelwerk|tegels zetten|tiler|tile setting"),
    ("stratenmaken", "Stratenmaken", "Paving", "construction",
     "stratenmaker|bestrating|straatwerk|bestraten|klinkers leggen|paver|block paving"),
    ("grondwerk", "Grondwerk", "Earthmoving", "construction",
     "grondwerker|graafwerk|grondverzet|earthworks|excavation|digging"),
    ("steigerbouw", "Steigerbouw", "Scaffolding", "construction",
     "steigers bouwen|steigerbouwer|scaffolder|scaffold erection"),
    ("schilderen", "Schilderen", "Painting", "construction",
     "schilder|schilderwerk|verven|lakken|painter|painting and decorating"),
    ("isoleren", "Isoleren", "Insulation", "construction",
     "isolatiewerk|isolatiemonteur|na-isolatie|insulating|insulation installer"),
    ("dakdekken", "Dakdekken", "Roofing", "construction",
     "dakdekker|dakwerk|dakbedekking|roofer|roof work"),
    ("sloopwerk", "Sloopwerk", "Demolition", "construction",
     "slopen|sloper|strippen|demolition work|demolition worker"),
    ("bekisting", "Bekisting", "Formwork", "construction",
     "bekistingen maken|bekistingstimmerman|shuttering|formwork carpenter"),
    ("betonwerk", "Betonwerk", "Concrete work", "construction",
     "betonwerker|beton storten|betonbouw|concreting|concrete pouring|concrete worker"),
    ("ijzervlechten", "IJzervlechten", "Rebar fixing", "construction",
     "ijzervlechter|wapening|wapening vlechten|rebar|steel fixing|steel fixer"),
    ("elektrotechniek", "Elektrotechniek basis", "Basic electrical work", "construction",
     "elektricien|elektra|elektrotechnisch installeren|elektrisch installeren|"
     "electrician|electrical installation"),
    ("loodgieterswerk", "Loodgieterswerk", "Plumbing", "construction",
     "loodgieter|sanitair installeren|waterleiding aanleggen|plumber|plumbing installation"),
    ("lassen", "Lassen", "Welding", "construction",
     "lasser|MIG lassen|MAG lassen|TIG lassen|booglassen|welder|arc welding"),
    ("meten_uitzetten", "Meten en uitzetten", "Setting out", "construction",
     "maatvoering|uitzetten|landmeten|surveying|measuring and setting out"),
    ("stukadoren", "Stukadoren", "Plastering", "construction",
     "stukadoor|stucwerk|pleisteren|plasterer|rendering"),
    ("voegen", "Voegen", "Pointing", "construction",
     "voeger|voegwerk|kitten|pointing work|joint sealing"),
    ("droogbouw", "Droogbouw", "Drywall construction", "construction",
     "gipsplaten|metal stud|systeemplafonds|plafondmonteur|drywall|plasterboard|"
     "suspended ceilings"),
    ("vloeren_leggen", "Vloeren leggen", "Floor laying", "construction",
     "vloerenlegger|laminaat leggen|parket leggen|vloerbedekking|floor layer|flooring"),
    ("kozijnen_plaatsen", "Kozijnen en deuren plaatsen", "Window and door fitting",
     "construction",
     "kozijnen|deuren afhangen|kozijnmonteur|window fitting|door fitting|window fitter"),
    ("zonnepanelen", "Zonnepanelen monteren", "Solar panel installation", "construction",
     "zonnepanelen|zonnepaneelmonteur|PV montage|solar panels|solar installer|"
     "photovoltaic installation"),
    ("bouwplaats", "Bouwplaatswerkzaamheden", "Construction site labour", "construction",
     "bouwplaatsmedewerker|bouwvakker|bouwhulp|hulp op de bouw|construction labourer|"
     "construction worker|site labourer"),
    ("tekening_lezen", "Tekening lezen", "Reading technical drawings", "construction",
     "bouwtekening lezen|technische tekening lezen|tekeninglezen|reading drawings|"
     "blueprint reading"),
    ("gereedschap", "Gereedschap gebruiken", "Using tools", "construction",
     "handgereedschap|elektrisch gereedschap|gereedschapsgebruik|hand tools|power tools|"
     "tool use"),
    # infrastructure
    ("verkeer_regelen", "Verkeer regelen", "Traffic control", "infrastructure",
     "verkeersregelaar|verkeersregelen|verkeersbegeleiding|traffic controller|"
     "traffic marshalling"),
    ("asfalteren", "Asfalteren", "Asphalt paving", "infrastructure",
     "asfaltwerker|asfalt|asfaltverwerking|asphalting|asphalt worker|road surfacing"),
    ("wegenbouw", "Wegenbouw", "Road construction", "infrastructure",
     "wegenbouwer|wegwerker|wegwerkzaamheden|road building|road worker|roadworks"),
    ("rioleren", "Rioleren", "Sewer construction", "infrastructure",
     "riolering|rioleringswerk|rioollegger|riolering aanleggen|sewer work|sewerage|"
     "drainage works"),
    ("kabels_leidingen", "Kabels en leidingen leggen", "Cable and pipe laying",
     "infrastructure",
     "kabellegger|leidingwerk|glasvezel aanleggen|kabels leggen|cable laying|pipe laying|"
     "fibre installation|utility works"),
    ("graafmachine", "Graafmachine bedienen", "Excavator operation", "infrastructure",
     "graafmachinist|machinist graafmachine|minigraver|shovel rijden|excavator operator|"
     "digger operator|digger driving"),
    # logistics
    ("orderpicken", "Orderpicken", "Order picking", "logistics",
     "orderpicker|orders verzamelen|order verzamelen|picking|pick and pack"),
    ("magazijnwerk", "Magazijnbeheer", "Warehouse management", "logistics",
     "magazijnmedewerker|magazijnwerk|logistiek medewerker|warehouse work|warehousing|"
     "warehouse operative"),
    ("inpakken", "Inpakken", "Packing", "logistics",
     "inpakker|pakketten inpakken|orders inpakken|packer|parcel packing"),
    ("laden_lossen", "Laden en lossen", "Loading and unloading", "logistics",
     "laden|lossen|vrachtwagens laden|expeditie|loading|unloading|loader"),
    ("voorraadbeheer", "Voorraadbeheer", "Stock control", "logistics",
     "voorraad tellen|inventariseren|voorraadadministratie|inventory management|"
     "stocktaking|stock keeping"),
    ("scannen", "Scannen", "Barcode scanning", "logistics",
     "handscanner|barcode scannen|barcodes scannen|scanning|RF scanner"),
    ("heftruck_rijden", "Heftruck rijden", "Forklift driving", "logistics",
     "heftruckchauffeur|heftruckrijden|heftruckrijder|reachtruck rijden|forklift driving|"
     "forklift operation|forklift driver"),
    ("pompwagen", "Pompwagen bedienen", "Pallet truck operation", "logistics",
     "elektrische pompwagen|palletwagen|pompwagen|EPT|pallet truck|pallet jack"),
    ("chauffeur", "Chauffeur bestelbus", "Delivery driving", "logistics",
     "bezorgen|bezorger|bestelbus rijden|pakketbezorger|koerier|delivery driver|van driver|"
     "courier"),
    ("vrachtwagen_rijden", "Vrachtwagen rijden", "Truck driving", "logistics",
     "vrachtwagenchauffeur|beroepschauffeur|truck driver|lorry driver|HGV driving"),
    ("sorteren", "Sorteren", "Sorting", "logistics",
     "pakketten sorteren|postsorteerder|post sorteren|parcel sorting|mail sorting"),
    # cleaning
    ("schoonmaken", "Schoonmaken", "Cleaning", "cleaning",
     "schoonmaak|schoonmaker|schoonmaakwerk|schoonmaakmedewerker|reinigen|cleaner|cleaning work|"
     "housekeeping"),
    ("glazenwassen", "Glazenwassen", "Window cleaning", "cleaning",
     "glazenwasser|ramen wassen|glasbewassing|window cleaner"),
    ("interieurverzorging", "Interieurverzorging", "Interior cleaning", "cleaning",
     "interieurverzorger|kantoren schoonmaken|kantoorschoonmaak|office cleaning"),
    ("vloeronderhoud", "Vloeronderhoud", "Floor care", "cleaning",
     "vloeren reinigen|schrobzuigmachine|machinaal vloeronderhoud|floor maintenance|"
     "floor scrubbing"),
    ("industriele_reiniging", "Industriële reiniging", "Industrial cleaning", "cleaning",
     "industrieel reinigen|hogedrukreinigen|gevelreiniging|pressure washing|"
     "facade cleaning"),
    ("afvalinzameling", "Afvalinzameling", "Waste collection", "cleaning",
     "afval inzamelen|belader|vuilnisman|afvalscheiding|refuse collector|recycling work"),
    # green
    ("groenonderhoud", "Groenonderhoud", "Landscape maintenance", "green",
     "hovenier|tuinonderhoud|groenvoorziening|groenmedewerker|landscaping|gardening|"
     "gardener|grounds maintenance"),
    ("maaien", "Maaien", "Mowing", "green",
     "gras maaien|bosmaaier|grasmaaier|maaimachine|lawn mowing|strimming"),
    ("snoeien", "Snoeien", "Pruning", "green",
     "snoeiwerk|hagen knippen|heggen snoeien|hedge trimming|tree pruning"),
    ("beplanten", "Beplanten", "Planting", "green",
     "planten|aanplanten|bomen planten|plantwerk|tree planting|plant installation"),
    ("onkruidbestrijding", "Onkruidbestrijding", "Weed control", "green",
     "onkruid wieden|wieden|schoffelen|onkruid verwijderen|weeding"),
    ("boomverzorging", "Boomverzorging", "Tree care", "green",
     "boomverzorger|bomen kappen|boomwerker|arborist|tree felling|tree surgeon"),
    ("tuinaanleg", "Tuinaanleg", "Garden construction", "green",
     "hoveniersaanleg|tuinen aanleggen|groenaanleg|landscape construction|garden building"),
    ("kaswerk", "Kaswerk", "Greenhouse work", "green",
     "tuinbouw|oogsten|kasmedewerker|glastuinbouw|greenhouse worker|horticulture|"
     "harvesting"),
    # hospitality
    ("koken", "Koken", "Cooking", "hospitality",
     "kok|keukenwerk|keukenmedewerker|grootkeuken|cook|food preparation|kitchen assistant"),
    ("afwassen", "Afwassen", "Dishwashing", "hospitality",
     "afwasser|spoelkeuken|vaatwassen|dishwasher|kitchen porter"),
    ("bediening", "Bediening", "Table service", "hospitality",
     "serveren|bedienen|ober|serveerster|bedieningsmedewerker|serving|waiting tables|"
     "waiter|waitress"),
    ("gastvrijheid", "Gastvrijheid", "Hospitality", "hospitality",
     "gastheer|gastvrouw|gastgericht|hosting|host|hostess"),
    ("voedselveiligheid", "Voedselveiligheid", "Food safety", "hospitality",
     "voedselhygiene|hygiene in de keuken|hygienisch werken|food hygiene|food handling"),
    ("catering", "Catering", "Catering", "hospitality",
     "cateringmedewerker|kantinemedewerker|kantine|lunchroom|canteen work|"
     "catering assistant"),
    ("barwerk", "Barwerk", "Bar work", "hospitality",
     "barmedewerker|tappen|barkeeper|bartender|barista"),
    ("kassawerk", "Kassawerk", "Cashier work", "hospitality",
     "kassa|kassamedewerker|caissiere|afrekenen|cashier|till work|checkout"),
    # production
    ("assemblage", "Assemblage", "Assembly", "production",
     "assembleren|monteren|assemblagemedewerker|montagemedewerker|assembler|"
     "assembly line work"),
    ("machinebediening", "Machinebediening", "Machine operation", "production",
     "machineoperator|machine bedienen|productiemachine bedienen|operator|"
     "machine operator|machine minding"),
    ("kwaliteitscontrole", "Kwaliteitscontrole", "Quality control", "production",
     "kwaliteitscontroleur|kwaliteit controleren|inspectie|quality inspection|QC|"
     "quality inspector"),
    ("productiewerk", "Productiewerk", "Production work", "production",
     "productiemedewerker|productie|lopende band|fabriekswerk|production operative|"
     "factory work|production line"),
    ("verpakken", "Verpakken", "Packaging", "production",
     "verpakkingsmedewerker|producten verpakken|verpakkingslijn|packaging line|"
     "packaging operative"),
    ("metaalbewerking", "Metaalbewerking", "Metalworking", "production",
     "metaalbewerker|plaatwerk|verspanen|draaien en frezen|sheet metal work|machining"),
    ("cnc", "CNC-machine bedienen", "CNC operation", "production",
     "CNC|CNC operator|CNC draaien|CNC frezen|CNC machining"),
    ("houtbewerking", "Houtbewerking", "Woodworking", "production",
     "houtbewerker|meubelmaken|meubelmaker|zagen en schaven|wood processing|"
     "furniture making"),
    ("voedselproductie", "Voedselproductie", "Food production", "production",
     "levensmiddelenindustrie|voedingsindustrie|vleesverwerking|food processing|"
     "food processing operative"),
    ("technisch_onderhoud", "Technisch onderhoud", "Technical maintenance", "production",
     "monteur|onderhoudsmonteur|storingen verhelpen|maintenance technician|"
     "mechanical maintenance"),
    # general / transversal
    ("samenwerken", "Samenwerken", "Teamwork", "general",
     "samenwerking|teamspeler|in teamverband werken|team player|collaboration|"
     "working in a team"),
    ("klantvriendelijkheid", "Klantvriendelijkheid", "Customer service", "general",
     "klantgericht|klantgerichtheid|klantcontact|klantvriendelijk|customer focus|"
     "customer friendly|customer contact"),
    ("nauwkeurigheid", "Nauwkeurigheid", "Accuracy", "general",
     "nauwkeurig werken|nauwkeurig|precisie|zorgvuldigheid|zorgvuldig|precision|"
     "attention to detail"),
    ("zelfstandig_werken", "Zelfstandig werken", "Working independently", "general",
     "zelfstandig|zelfstandigheid|independence|independent worker|self-reliant"),
    ("communicatie", "Communicatie", "Communication", "general",
     "communiceren|communicatieve vaardigheden|communication skills"),
    ("betrouwbaarheid", "Betrouwbaarheid", "Reliability", "general",
     "betrouwbaar|punctualiteit|punctueel|op tijd komen|reliable|punctuality|dependability"),
    ("fysiek_werk", "Fysiek zwaar werk", "Physical work", "general",
     "fysiek werk|zwaar werk|lichamelijk zwaar werk|tillen|heavy lifting|manual labour|"
     "physically demanding work"),
    ("computervaardigheden", "Computervaardigheden", "Computer skills", "general",
     "computer|digitale vaardigheden|pc vaardigheden|MS Office|Microsoft Office|"
     "digital skills|IT skills"),
    ("engels", "Engels", "English", "general",
     "Engelse taal|Engels spreken|English language|spoken English"),
    ("planning", "Planning", "Planning and organising", "general",
     "plannen|organiseren|werk plannen|scheduling|organising|organizing"),
    ("veilig_werken", "Veilig werken", "Working safely", "general",
     "veiligheidsbewust|veiligheidsbewustzijn|veilig werken op de bouwplaats|"
     "safety awareness|safe working"),
    ("leergierigheid", "Leergierigheid", "Willingness to learn", "general",
     "leergierig|leerbaar|motivatie|gemotiveerd|eagerness to learn|motivated"),
    ("flexibiliteit", "Flexibiliteit", "Flexibility", "general",
     "flexibel|flexibel inzetbaar|flexible|adaptability"),
    ("ploegendienst", "Ploegendienst", "Shift work", "general",
     "ploegendiensten|wisseldiensten|nachtdienst|shift work|night shifts"),
    ("probleemoplossend", "Probleemoplossend werken", "Problem solving", "general",
     "probleemoplossend|problemen oplossen|oplossingsgericht|problem solving|"
     "solution oriented"),
    ("leidinggeven", "Leidinggeven", "Supervising", "general",
     "leidinggevende|voorman|ploegleider|teamleider|supervisor|team leading|foreman"),
    ("instructies_opvolgen", "Instructies opvolgen", "Following instructions", "general",
     "instructies volgen|werkinstructies opvolgen|opdrachten uitvoeren|"
     "following work instructions|taking directions"),
    ("administratie", "Administratief werk", "Administrative work", "general",
     "administratie|administratief medewerker|data invoeren|gegevens invoeren|data entry|"
     "clerical work"),
    ("beveiliging", "Beveiliging", "Security", "general",
     "beveiliger|toezicht houden|bewaking|security guard|security officer"),
)

# (code, label_nl, label_en)
TARGET_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("participatiewet", "Participatiewet (bijstand)", "Participation Act (social assistance)"),
    ("doelgroepregister", "Doelgroepregister banenafspraak", "Jobs agreement target register"),
    ("wajong", "Wajong", "Wajong (young disabled persons benefit)"),
    ("wia", "WIA / WAO", "WIA / WAO (work incapacity benefit)"),
    ("wsw", "Wsw / beschut werk", "Sheltered employment (Wsw / beschut werk)"),
    ("ww", "WW", "Unemployment benefit (WW)"),
    ("nug", "Niet-uitkeringsgerechtigde (NUG)", "Jobseeker without benefit (NUG)"),
    ("statushouder", "Statushouder / nieuwkomer", "Refugee status holder / newcomer"),
    ("bbl", "BBL-leerling (mbo 1-2)", "Work-based apprentice (BBL, mbo 1-2)"),
    ("jongere_zonder_sk", "Jongere zonder startkwalificatie",
     "Young person without basic qualification"),
    ("werkervaringsplek", "Werkervaringsplek / proefplaatsing",
     "Work-experience placement / trial placement"),
)

# (target_group, tier, benefit_months_min, benefit_months_max, value_per_year_eur,
#  max_months, label_nl, label_en); None = empty. Source: DOMAIN.md section 3, the
# East-Netherlands uniform model (impactoost.nl).
VALUATION: tuple[tuple[object, ...], ...] = (
    ("participatiewet", "lt24", 0, 24, 30000, 24,
     "Participatiewet, korter dan 2 jaar uitkering", "Participation Act, under 2 years on benefit"),
    ("participatiewet", "ge24", 24, None, 40000, 24,
     "Participatiewet, 2 jaar of langer uitkering", "Participation Act, 2 years or more on benefit"),
    ("doelgroepregister", "all", 0, None, 40000, None,
     "Doelgroepregister banenafspraak", "Jobs agreement target register"),
    ("wajong", "all", 0, None, 40000, None, "Wajong", "Wajong"),
    ("wia", "all", 0, None, 40000, None, "WIA / WAO", "WIA / WAO"),
    ("wsw", "all", 0, None, 40000, None, "Wsw / beschut werk", "Sheltered employment"),
    ("ww", "lt12", 0, 12, 10000, 12,
     "WW, korter dan 1 jaar uitkering", "Unemployment benefit, under 1 year"),
    ("ww", "ge12", 12, None, 15000, 12,
     "WW, 1 jaar of langer uitkering", "Unemployment benefit, 1 year or more"),
    ("nug", "all", 0, None, 10000, 12,
     "Niet-uitkeringsgerechtigde (langer dan 6 maanden werkzoekend)",
     "Jobseeker without benefit (over 6 months)"),
    ("statushouder", "all", 0, None, 35000, 24,
     "Statushouder: Participatiewet + 5.000 bonus (niet geverifieerd)",
     "Status holder: Participation Act + 5,000 bonus (unverified)"),
    ("bbl", "all", 0, None, 20000, None,
     "BBL-leerling mbo 1-2, per leerwerkjaar", "BBL apprentice mbo 1-2, per learn-work year"),
    ("jongere_zonder_sk", "all", 0, None, 10000, 12,
     "Jongere zonder startkwalificatie (als NUG)",
     "Young person without basic qualification (as NUG)"),
    ("werkervaringsplek", "all", 0, None, 9000, None,
     "Werkervaringsplek / proefplaatsing (750 per maand)",
     "Work-experience / trial placement (750 per month)"),
)


# ---------------------------------------------------------------------------------------
# Writing helpers
# ---------------------------------------------------------------------------------------


def _fmt(value: object, decimals: int = 4) -> str:
    """Format a cell deterministically (floats with fixed decimals, missing as empty)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:.{decimals}f}"
    return str(value)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write ``rows`` as UTF-8 CSV with ``\\n`` line endings; return the number of rows."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_fmt(v) for v in row])
            n += 1
    return n


def _split_list(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return [s.strip().replace("|", "/") for s in text.replace("\r", "\n").split("\n")
            if s.strip()]


def _dedupe(items: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    seen = {e.casefold() for e in exclude}
    out: list[str] = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


# ---------------------------------------------------------------------------------------
# Derived tables
# ---------------------------------------------------------------------------------------


def build_municipalities(shared: Path) -> pd.DataFrame:
    """All 2025 municipalities with region, scope, island flag, centroid and population."""
    geo = shared / "geo"
    cent = pd.read_csv(geo / "municipality_centroids_nl_2025.csv", dtype={"gm_code": str})
    regions = pd.read_csv(geo / "municipality_labour_market_region_2025.csv",
                          dtype={"gm_code": str})
    north = pd.read_csv(geo / "municipalities_noord_nl.csv", dtype={"gm_code": str})
    frame = cent.merge(regions[["gm_code", "am_naam"]], on="gm_code", how="left",
                       validate="one_to_one")
    missing = frame["am_naam"].isna()
    if missing.any():
        print(f"warning: no labour-market region for {sorted(frame.loc[missing, 'gm_code'])}",
              file=sys.stderr)
    north = north.set_index("gm_code")
    unknown = sorted(set(north.index) - set(frame["gm_code"]))
    if unknown:
        raise SystemExit(f"northern municipalities missing from the national list: {unknown}")
    rows = []
    for rec in frame.itertuples(index=False):
        code = rec.gm_code
        region = rec.am_naam if isinstance(rec.am_naam, str) else ""
        if code in north.index:
            src = north.loc[code]
            lat, lon = float(src["centroid_lat"]), float(src["centroid_lon"])
            island = str(src["island"]).strip().lower() in {"yes", "true", "1", "ja"}
            population: object = int(src["population_approx"])
            # The source's own in_scope column marks Meppel and Westerveld "yes" although
            # they belong to Regio Zwolle; scope follows the labour-market region.
            in_scope = region in IN_SCOPE_REGIONS
        else:
            lat, lon = float(rec.lat), float(rec.lon)
            island = code in EXTRA_ISLANDS
            population = None
            in_scope = False
        rows.append({
            "gm_code": code, "name": rec.gm_naam, "province": rec.provincie,
            "labour_market_region": region, "in_scope": in_scope, "island": island,
            "lat": round(lat, 4), "lon": round(lon, 4), "population_approx": population,
        })
    out = pd.DataFrame(rows).sort_values("gm_code", kind="stable").reset_index(drop=True)
    out["population_approx"] = out["population_approx"].astype("Int64")
    n_scope = int(out["in_scope"].sum())
    if n_scope != 38:
        print(f"warning: {n_scope} municipalities in scope, expected 38", file=sys.stderr)
    return out


def build_postcodes(shared: Path, municipalities: pd.DataFrame) -> pd.DataFrame:
    """One row per PC4: municipality (by majority of GeoNames rows), first place, mean point."""
    raw = pd.read_csv(shared / "geo" / "geonames_NL_pc4.txt", sep="\t", header=None,
                      dtype=str, keep_default_na=False)
    raw = raw.rename(columns={1: "pc4", 2: "place", 5: "gm_name", 6: "gm_num", 9: "lat",
                              10: "lon"})
    raw["pc4"] = raw["pc4"].str.strip().str.zfill(4)
    raw["lat"] = raw["lat"].astype(float)
    raw["lon"] = raw["lon"].astype(float)
    known = set(municipalities["gm_code"])
    by_name = {
        str(n).casefold(): c for n, c in zip(municipalities["name"], municipalities["gm_code"],
                                             strict=True)
    }
    codes = []
    fixed: Counter = Counter()
    dropped: Counter = Counter()
    for num, name, place in zip(raw["gm_num"], raw["gm_name"], raw["place"], strict=True):
        code = "GM" + num.strip().zfill(4) if num.strip() else ""
        if code not in known:
            clean = name.replace(" Municipality", "").strip().casefold()
            code = by_name.get(clean) or by_name.get(place.casefold()) or PLACE_FIXES.get(place, "")
            if code:
                fixed[(num or "-", place, code)] += 1
            else:
                dropped[(num or "-", place)] += 1
        codes.append(code)
    raw["gm_code"] = codes
    for (num, place, code), n in sorted(fixed.items()):
        print(f"info: GeoNames code {num!r} ({place}, {n} rows) mapped by name to {code}",
              file=sys.stderr)
    for (num, place), n in sorted(dropped.items()):
        print(f"warning: GeoNames code {num!r} ({place}, {n} rows) unknown; dropped",
              file=sys.stderr)
    raw = raw[raw["gm_code"] != ""].reset_index(drop=True)
    raw["order"] = range(len(raw))
    votes = (raw.groupby(["pc4", "gm_code"])["order"].agg(["size", "min"]).reset_index()
             .sort_values(["pc4", "size", "min"], ascending=[True, False, True])
             .drop_duplicates("pc4").set_index("pc4")["gm_code"])
    per_pc4 = raw.groupby("pc4", sort=True).agg(place=("place", "first"), lat=("lat", "mean"),
                                                lon=("lon", "mean"))
    per_pc4["gm_code"] = votes
    per_pc4["lat"] = per_pc4["lat"].round(4)
    per_pc4["lon"] = per_pc4["lon"].round(4)
    return per_pc4.reset_index()[["pc4", "gm_code", "place", "lat", "lon"]]


def build_occupations(shared: Path) -> pd.DataFrame:
    """ESCO occupations (Dutch release as the base, English labels joined on the URI)."""
    esco = shared / "esco"
    nl = pd.read_csv(esco / "occupations_nl.csv", dtype=str)
    en = pd.read_csv(esco / "occupations_en.csv", dtype=str)
    subset = pd.read_csv(esco / "subset_occupations_nl_target_sectors.csv", dtype=str)
    target = set(subset["conceptUri"])
    frame = nl.merge(en[["conceptUri", "preferredLabel", "altLabels"]], on="conceptUri",
                     how="left", suffixes=("_nl", "_en"), validate="one_to_one")
    uuid = frame["conceptUri"].str.split("/occupation/").str[1]
    short = uuid.str[:8]
    if not short.is_unique:
        raise SystemExit("ESCO UUID prefixes of 8 characters are not unique; use more")
    rows = []
    for i, rec in enumerate(frame.itertuples(index=False)):
        label_nl = str(rec.preferredLabel_nl).strip()
        label_en = rec.preferredLabel_en.strip() if isinstance(rec.preferredLabel_en, str) else ""
        in_target = rec.conceptUri in target
        synonyms = ""
        if in_target:
            nl_alt = _dedupe(_split_list(rec.altLabels_nl), exclude=(label_nl, label_en))
            en_alt = _dedupe(_split_list(rec.altLabels_en), exclude=(label_nl, label_en, *nl_alt))
            half = MAX_SYNONYMS // 2
            take_nl = max(half, MAX_SYNONYMS - len(en_alt))
            chosen = nl_alt[:take_nl]
            chosen += en_alt[: MAX_SYNONYMS - len(chosen)]
            synonyms = "|".join(chosen)
        rows.append({
            "occupation_id": short.iloc[i], "isco_code": str(rec.iscoGroup).strip().zfill(4),
            "label_nl": label_nl, "label_en": label_en, "synonyms": synonyms,
            "target_sector": in_target,
        })
    return pd.DataFrame(rows).sort_values(["isco_code", "occupation_id"]).reset_index(drop=True)


def build_isco_groups(shared: Path) -> pd.DataFrame:
    """ISCO-08 groups (levels 1-4) with English labels."""
    raw = pd.read_csv(shared / "esco" / "ISCOGroups_en.csv", dtype=str)
    frame = pd.DataFrame({
        "code": raw["code"].str.strip(),
        "label_en": raw["preferredLabel"].str.strip(),
    })
    frame = frame[frame["code"].str.fullmatch(r"\d{1,4}")]
    frame.insert(1, "level", frame["code"].str.len())
    return frame.sort_values("code").reset_index(drop=True)


def _round_coords(obj: object, decimals: int = 3) -> object:
    if isinstance(obj, list):
        return [_round_coords(o, decimals) for o in obj]
    if isinstance(obj, float | int):
        return round(float(obj), decimals)
    return obj


def build_regions(shared: Path) -> dict:
    """GeoJSON outlines of the in-scope labour-market regions."""
    with (shared / "geo" / "labour_market_regions_2025.geojson").open(encoding="utf-8") as fh:
        data = json.load(fh)
    features = []
    for feat in data["features"]:
        props = feat["properties"]
        if props.get("statnaam") not in IN_SCOPE_REGIONS:
            continue
        features.append({
            "type": "Feature",
            "properties": {"code": props["statcode"], "name": props["statnaam"]},
            "geometry": {
                "type": feat["geometry"]["type"],
                "coordinates": _round_coords(feat["geometry"]["coordinates"]),
            },
        })
    features.sort(key=lambda f: f["properties"]["code"])
    if len(features) != len(IN_SCOPE_REGIONS):
        raise SystemExit(f"expected {len(IN_SCOPE_REGIONS)} regions, found {len(features)}")
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------


def _check_points(postcodes: pd.DataFrame) -> None:
    expected = {"9711": (53.217, 6.570), "8911": (53.202, 5.797), "9401": (52.994, 6.563)}
    idx = postcodes.set_index("pc4")
    for pc4, (lat, lon) in expected.items():
        got = idx.loc[pc4, ["lat", "lon"]].astype(float).to_numpy()
        if abs(got[0] - lat) > 0.01 or abs(got[1] - lon) > 0.01:
            raise SystemExit(f"PC4 {pc4} at {got}, expected about {(lat, lon)}")


def build(shared: Path, out: Path) -> dict[str, int]:
    """Build every reference table from ``shared`` into ``out``; return rows per file."""
    shared = shared.resolve()
    if not (shared / "geo").is_dir() or not (shared / "esco").is_dir():
        raise SystemExit(f"shared data folder not found or incomplete: {shared}")
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}

    muni = build_municipalities(shared)
    cols = ["gm_code", "name", "province", "labour_market_region", "in_scope", "island",
            "lat", "lon", "population_approx"]
    written["municipalities.csv"] = write_csv(
        out / "municipalities.csv", cols, muni[cols].itertuples(index=False))

    pc = build_postcodes(shared, muni)
    _check_points(pc)
    cols = ["pc4", "gm_code", "place", "lat", "lon"]
    written["postcodes_pc4.csv"] = write_csv(
        out / "postcodes_pc4.csv", cols, pc[cols].itertuples(index=False))

    occ = build_occupations(shared)
    cols = ["occupation_id", "isco_code", "label_nl", "label_en", "synonyms", "target_sector"]
    written["occupations.csv"] = write_csv(
        out / "occupations.csv", cols, occ[cols].itertuples(index=False))

    isco = build_isco_groups(shared)
    written["isco_groups.csv"] = write_csv(
        out / "isco_groups.csv", ["code", "level", "label_en"], isco.itertuples(index=False))

    regions = build_regions(shared)
    text = json.dumps(regions, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    (out / "regions_noord.json").write_text(text + "\n", encoding="utf-8")
    written["regions_noord.json"] = len(regions["features"])

    cols = ["code", "label_nl", "label_en", "synonyms", "sector"]
    written["certificates.csv"] = write_csv(
        out / "certificates.csv", cols,
        sorted((c, nl, en, syn, sec) for c, nl, en, sec, syn in CERTIFICATES))
    written["skills.csv"] = write_csv(
        out / "skills.csv", cols,
        sorted((c, nl, en, syn, sec) for c, nl, en, sec, syn in SKILLS))
    written["target_groups.csv"] = write_csv(
        out / "target_groups.csv", ["code", "label_nl", "label_en"], TARGET_GROUPS)
    written["valuation_default.csv"] = write_csv(
        out / "valuation_default.csv",
        ["target_group", "tier", "benefit_months_min", "benefit_months_max",
         "value_per_year_eur", "max_months", "label_nl", "label_en"],
        VALUATION)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="shared public data folder (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: matching/data/reference/data)")
    args = parser.parse_args(argv)
    written = build(args.shared, args.out)
    total = 0
    for name, n in written.items():
        size = (args.out / name).stat().st_size
        total += size
        print(f"{name:24s} {n:6d} rows {size / 1024:8.1f} KiB")
    print(f"{'total':24s} {'':11s} {total / 1024:8.1f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
