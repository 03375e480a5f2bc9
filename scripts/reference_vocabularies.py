"""The hand-curated vocabularies of the reference tables (data for ``scripts/build_reference.py``).

Certificates, skills, target groups and the default SROI valuation are curated by the project
from the domain brief (``DOMAIN.md``: PIANOo, UWV, impactoost.nl uniform model
East-Netherlands); :func:`build_reference.build` writes them to ``features/reference/data/``
beside the tables derived from public sources.
"""

from __future__ import annotations

__all__ = ["CERTIFICATES", "SKILLS", "TARGET_GROUPS", "VALUATION"]

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
