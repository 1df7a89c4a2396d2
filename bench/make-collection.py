#!/usr/bin/env python3
"""Generate a synthetic collection in the Multifaceted Collection shape (JSON Lines).

    python3 bench/make-collection.py --rows N --out FILE [--seed S] [--with-truth]

Each line is one row with the fields of the released Multifaceted Collection
(kaistAI/Janus, 196,998 rows): main_source, original_source, preference_set
(four {dimension, subdimension, preference, description}, one per dimension:
style, background_knowledge, informativeness, harmlessness), system, prompt,
output. Sizes follow the real data: system message about 700-1,300 characters,
prompt about 200, output about 1,500, descriptions of one or two sentences.

How the rows are built (all from the word lists below; no lorem ipsum):

- 25 subdimensions: the 20 of the Janus project page's chart (style: clarity,
  conciseness, format, tone, vividness; background_knowledge: basic, novice,
  intermediate, advanced, expert; informativeness: relevance, practicality,
  depth, creativity, efficiency; harmlessness: accuracy, morality, safety,
  sensitivity, trustworthiness) plus five seen in the released data
  (formality, comprehensiveness, objectivity, privacy, inclusivity).
- A preference is drawn from templates for its subdimension, filled with the
  row's topic (about 120 topics, each with its own keywords), an audience and
  quality words, so names and descriptions vary and full-text search has a
  real vocabulary to work with.
- About 30% of preference entries come from a shared pool of 3,000
  preferences (750 per dimension, drawn with a Zipf-like skew, so a few are
  stated by thousands of rows and most by a handful); the other 70% are made
  for the row and are (almost always) unique. The pool does not depend on
  --seed, so files made with different seeds share it, as real rows do.
- Rows come in threes that share a prompt and topic (the real collection is
  65k instructions x 3 system messages).
- The system message opens with a role sentence, then states each preference
  in one or two sentences that reuse the preference's key words (the way the
  Janus system messages paraphrase their preference set), then closes.
  With --with-truth, each row also has `_truth`: for each preference (in
  preference_set order) the indices of the system-message sentences that state
  it, counting sentences split at ". " (bench/relevance.py uses it to check its
  sentence-removal heuristic). Importers ignore the extra field.

Statistics go to stderr. Python 3 standard library only.
"""

import argparse
import bisect
import itertools
import json
import os
import random
import re
import sys
import time

POOL_SEED = 20240528          # fixed: files made with any --seed share the pool
POOL_PER_DIMENSION = 750      # 4 x 750 = 3,000 shared preferences
SHARED_FRACTION = 0.30

# ---------------------------------------------------------------------------
# Word lists

TOPICS = [
    ("astronomy", ["planetary orbits", "stellar evolution", "telescopes", "galaxies", "exoplanets", "eclipses", "light years"]),
    ("data science", ["algorithms", "feature engineering", "regression models", "data cleaning", "cross-validation", "overfitting", "dashboards"]),
    ("home baking", ["sourdough starters", "gluten development", "oven temperatures", "laminated dough", "proofing times", "pastry cream"]),
    ("personal finance", ["budgeting", "index funds", "emergency savings", "credit scores", "compound interest", "retirement accounts"]),
    ("organic chemistry", ["reaction mechanisms", "functional groups", "stereochemistry", "nucleophiles", "aromatic rings", "titrations"]),
    ("rust programming", ["ownership rules", "borrow checker", "lifetimes", "traits", "async runtimes", "memory safety"]),
    ("python scripting", ["list comprehensions", "virtual environments", "decorators", "exception handling", "generators", "type hints"]),
    ("sql databases", ["joins", "indexes", "query plans", "normalization", "transactions", "window functions"]),
    ("gardening", ["soil acidity", "companion planting", "composting", "pruning", "seed germination", "raised beds"]),
    ("pet care", ["canine behavior", "feline nutrition", "vaccination schedules", "leash training", "grooming", "rainy walks"]),
    ("world history", ["trade routes", "empires", "revolutions", "primary sources", "colonial rule", "treaties"]),
    ("classical music", ["sonata form", "counterpoint", "orchestration", "baroque ornaments", "symphonies", "tempo markings"]),
    ("marathon training", ["long runs", "tempo intervals", "carbohydrate loading", "recovery days", "cadence", "tapering"]),
    ("nutrition", ["macronutrients", "fiber intake", "meal planning", "micronutrients", "hydration", "portion sizes"]),
    ("climate science", ["carbon cycles", "ocean currents", "greenhouse gases", "ice cores", "feedback loops", "emission scenarios"]),
    ("web development", ["responsive layouts", "css grid", "accessibility audits", "http caching", "single page apps", "form validation"]),
    ("machine learning", ["gradient descent", "neural networks", "loss functions", "embeddings", "hyperparameters", "attention layers"]),
    ("photography", ["exposure triangle", "aperture", "shutter speed", "composition", "golden hour", "white balance"]),
    ("woodworking", ["dovetail joints", "wood grain", "hand planes", "finishing oils", "clamping", "table saws"]),
    ("linear algebra", ["eigenvalues", "matrix decomposition", "vector spaces", "determinants", "orthogonality", "linear maps"]),
    ("probability", ["conditional probability", "bayes theorem", "random variables", "expected value", "permutations", "distributions"]),
    ("cybersecurity", ["threat models", "phishing", "password hygiene", "encryption keys", "patch management", "script security"]),
    ("cloud infrastructure", ["load balancers", "autoscaling", "container orchestration", "object storage", "iam policies", "latency budgets"]),
    ("mental wellbeing", ["stress management", "sleep hygiene", "mindfulness", "journaling", "boundaries", "burnout"]),
    ("parenting", ["toddler tantrums", "bedtime routines", "screen time", "sibling rivalry", "positive discipline", "school readiness"]),
    ("travel planning", ["itineraries", "visa requirements", "packing lists", "local customs", "rail passes", "travel insurance"]),
    ("hotel hospitality", ["guest amenities", "check-in procedures", "concierge services", "room upgrades", "housekeeping", "loyalty programs"]),
    ("restaurant service", ["table turnover", "menu engineering", "food safety", "wine pairing", "reservations", "kitchen workflow"]),
    ("contract law", ["consideration", "breach remedies", "indemnity clauses", "offer and acceptance", "jurisdiction", "liability caps"]),
    ("small business", ["cash flow", "pricing strategy", "customer retention", "bookkeeping", "hiring", "local marketing"]),
    ("marketing", ["brand voice", "conversion funnels", "audience segments", "campaign metrics", "landing pages", "storytelling"]),
    ("creative writing", ["character arcs", "point of view", "dialogue", "pacing", "world building", "narrative tension"]),
    ("poetry", ["meter", "imagery", "line breaks", "sonnets", "free verse", "metaphor"]),
    ("philosophy", ["epistemology", "ethics", "free will", "utilitarianism", "thought experiments", "logical fallacies"]),
    ("world religions", ["rituals", "sacred texts", "pilgrimage", "monotheism", "festivals", "interfaith dialogue"]),
    ("basketball analytics", ["player efficiency", "shot charts", "nba terminology", "pace", "defensive ratings", "plus minus"]),
    ("soccer tactics", ["pressing", "formations", "set pieces", "possession", "counterattacks", "wing play"]),
    ("electric vehicles", ["battery chemistry", "charging networks", "range estimates", "regenerative braking", "motor efficiency"]),
    ("renewable energy", ["solar panels", "wind turbines", "grid storage", "inverters", "capacity factors", "net metering"]),
    ("architecture", ["load paths", "facades", "daylighting", "building codes", "floor plans", "materials"]),
    ("interior design", ["color palettes", "lighting layers", "furniture scale", "textures", "small spaces", "focal points"]),
    ("genetics", ["dna replication", "gene expression", "mutations", "heredity", "crispr", "punnett squares"]),
    ("neuroscience", ["neurons", "synaptic plasticity", "neurotransmitters", "brain imaging", "memory formation", "sleep cycles"]),
    ("immunology", ["antibodies", "t cells", "vaccines", "inflammation", "autoimmunity", "herd immunity"]),
    ("dermatology", ["skin conditions", "eczema", "sunscreen", "acne treatments", "moisturizers", "skin barrier"]),
    ("fitness coaching", ["progressive overload", "mobility drills", "strength training", "rest intervals", "warm-ups", "weight loss"]),
    ("yoga", ["breathwork", "asanas", "alignment", "flexibility", "meditation", "sun salutations"]),
    ("economics", ["inflation", "supply and demand", "interest rates", "fiscal policy", "elasticity", "market failures"]),
    ("accounting", ["balance sheets", "accruals", "depreciation", "cash basis", "audits", "ledgers"]),
    ("statistics", ["hypothesis tests", "confidence intervals", "sampling bias", "p-values", "correlation", "regression"]),
    ("calculus", ["derivatives", "integrals", "limits", "series expansions", "optimization problems", "chain rule"]),
    ("geometry", ["triangles", "proofs", "circles", "congruence", "coordinate geometry", "angles"]),
    ("physics", ["newtonian mechanics", "energy conservation", "electromagnetism", "thermodynamics", "waves", "momentum"]),
    ("quantum mechanics", ["wave functions", "superposition", "entanglement", "uncertainty principle", "spin", "measurement"]),
    ("assembly language", ["registers", "instruction sets", "stack frames", "addressing modes", "interrupts", "opcodes"]),
    ("java programming", ["classes", "interfaces", "generics", "garbage collection", "collections framework", "streams"]),
    ("javascript", ["closures", "promises", "event loop", "prototypes", "modules", "dom events"]),
    ("php development", ["sessions", "composer packages", "templating", "input sanitizing", "routing", "pdo queries"]),
    ("unix systems", ["shell pipelines", "file permissions", "process signals", "cron jobs", "package managers", "ssh keys"]),
    ("devops", ["continuous integration", "deployment pipelines", "rollbacks", "monitoring", "infrastructure as code", "incident response"]),
    ("mobile apps", ["app lifecycle", "push notifications", "offline storage", "touch gestures", "app store review", "battery usage"]),
    ("game design", ["level design", "player feedback", "game loops", "difficulty curves", "narrative choices", "playtesting"]),
    ("education theory", ["scaffolding", "formative assessment", "lesson planning", "active learning", "differentiation", "rubrics"]),
    ("language learning", ["vocabulary drills", "pronunciation", "grammar patterns", "immersion", "spaced repetition", "conversation practice"]),
    ("translation", ["idioms", "register shifts", "source fidelity", "localization", "terminology", "cultural nuance"]),
    ("journalism", ["sourcing", "fact checking", "headlines", "interviews", "news values", "corrections"]),
    ("public speaking", ["stage presence", "speech structure", "vocal variety", "slides", "audience questions", "nervousness"]),
    ("negotiation", ["anchoring", "walk-away points", "interests", "concessions", "rapport", "deadlines"]),
    ("career advice", ["resumes", "job interviews", "salary negotiation", "networking", "career changes", "promotions"]),
    ("human resources", ["qualifications", "responsibilities", "onboarding", "performance reviews", "job descriptions", "policies"]),
    ("project management", ["milestones", "risk registers", "scope creep", "stakeholders", "sprints", "gantt charts"]),
    ("supply chains", ["inventory", "logistics", "lead times", "suppliers", "warehousing", "demand forecasting"]),
    ("urban planning", ["zoning", "public transit", "walkability", "housing density", "green spaces", "traffic calming"]),
    ("ecology", ["food webs", "biodiversity", "habitats", "keystone species", "wildlife corridors", "invasive species"]),
    ("marine biology", ["coral reefs", "plankton", "tides", "whale migration", "kelp forests", "ocean acidification"]),
    ("geology", ["plate tectonics", "rock cycles", "earthquakes", "volcanoes", "minerals", "erosion"]),
    ("meteorology", ["weather fronts", "humidity", "storm systems", "forecast models", "jet streams", "air pressure"]),
    ("wine tasting", ["tannins", "terroir", "acidity", "vintages", "aromas", "decanting"]),
    ("coffee brewing", ["grind size", "extraction", "espresso shots", "water temperature", "pour over", "roast levels"]),
    ("vegetarian cooking", ["legumes", "plant proteins", "umami", "spice blends", "tofu textures", "seasonal vegetables"]),
    ("holiday cooking", ["family recipes", "roasting times", "make-ahead dishes", "festive desserts", "holiday menus", "leftovers"]),
    ("fashion", ["fabric choices", "silhouettes", "capsule wardrobes", "color theory", "tailoring", "sustainable fashion"]),
    ("art history", ["renaissance painting", "impressionism", "patronage", "iconography", "modernism", "sculpture"]),
    ("film studies", ["cinematography", "editing rhythm", "genre conventions", "mise en scene", "sound design", "auteurs"]),
    ("chess", ["openings", "endgames", "tactics", "pawn structure", "time control", "positional play"]),
    ("board games", ["rule explanations", "strategy", "player counts", "game balance", "turn order", "cooperative play"]),
    ("home repair", ["leaky faucets", "drywall patches", "circuit breakers", "caulking", "tool safety", "insulation"]),
    ("car maintenance", ["oil changes", "tire pressure", "brake pads", "engine codes", "battery checks", "coolant"]),
    ("aviation", ["lift and drag", "flight checklists", "air traffic control", "instrument flying", "weather briefings", "navigation"]),
    ("space exploration", ["rocket staging", "orbital mechanics", "mars rovers", "space stations", "launch windows", "reentry"]),
    ("robotics", ["sensors", "actuators", "path planning", "control loops", "kinematics", "computer vision"]),
    ("electronics", ["resistors", "breadboards", "microcontrollers", "soldering", "voltage dividers", "signal noise"]),
    ("blockchain", ["consensus", "smart contracts", "wallets", "gas fees", "ledgers", "token standards"]),
    ("privacy law", ["data protection", "consent", "data retention", "breach notification", "personal data", "cross-border transfers"]),
    ("medicine", ["symptoms", "diagnosis", "dosage", "side effects", "chronic conditions", "referrals"]),
    ("pharmacology", ["drug interactions", "half-life", "receptor binding", "dosing schedules", "generics", "adverse events"]),
    ("psychology", ["cognitive biases", "motivation", "attachment", "habit formation", "emotions", "learning theory"]),
    ("sociology", ["social norms", "institutions", "inequality", "urbanization", "networks", "identity"]),
    ("anthropology", ["kinship", "fieldwork", "material culture", "rituals", "language change", "ethnography"]),
    ("linguistics", ["phonology", "syntax trees", "morphology", "semantics", "dialects", "language acquisition"]),
    ("mathematical modeling", ["differential equations", "simulations", "parameter fitting", "model assumptions", "sensitivity analysis"]),
    ("algorithms", ["sorting", "graph traversal", "dynamic programming", "algorithmic complexity", "hash tables", "recursion"]),
    ("operating systems", ["scheduling", "virtual memory", "file systems", "system calls", "concurrency", "deadlocks"]),
    ("computer networks", ["tcp handshakes", "routing tables", "dns lookups", "packet loss", "subnets", "firewalls"]),
    ("data visualization", ["chart types", "color scales", "annotations", "dashboards", "axes", "visual encoding"]),
    ("wildlife photography", ["telephoto lenses", "animal behavior", "blinds", "ethical distance", "camouflage", "dawn light"]),
    ("hiking", ["trail navigation", "layering", "water filters", "elevation gain", "first aid kits", "leave no trace"]),
    ("sailing", ["points of sail", "knots", "tacking", "tides", "rigging", "weather windows"]),
    ("music production", ["mixing", "compression", "equalization", "sampling", "arrangement", "mastering"]),
    ("guitar", ["chord shapes", "fingerpicking", "scales", "tuning", "strumming patterns", "barre chords"]),
    ("tax preparation", ["deductions", "filing status", "receipts", "estimated payments", "tax brackets", "audits"]),
    ("real estate", ["mortgages", "home inspections", "appraisals", "closing costs", "rental yields", "neighborhoods"]),
    ("insurance", ["premiums", "deductibles", "claims", "coverage limits", "exclusions", "policy riders"]),
    ("ethics of ai", ["bias audits", "transparency", "accountability", "consent", "dual use", "model documentation"]),
    ("elder care", ["mobility aids", "medication schedules", "caregiver stress", "home safety", "memory loss", "respite care"]),
]

AUDIENCES = [
    "beginners", "hobbyists", "graduate students", "busy professionals", "parents", "small business owners",
    "retirees", "high school students", "career changers", "self-taught learners", "team leads", "researchers",
    "first-time travelers", "home cooks", "junior developers", "senior engineers", "caregivers", "teachers",
    "journalists", "policy makers", "curious readers", "visual learners", "non-native speakers", "investors",
    "athletes", "patients", "volunteers", "artists", "analysts", "managers", "undergraduates", "tinkerers",
]

ROLES = ["mentor", "guide", "advisor", "tutor", "storyteller", "analyst", "coach", "consultant", "companion",
         "navigator", "curator", "strategist", "instructor", "explainer", "interpreter", "planner", "critic", "educator"]
ROLE_ADJ = ["knowledgeable", "patient", "imaginative", "seasoned", "thoughtful", "meticulous", "friendly", "pragmatic",
            "insightful", "trusted", "enthusiastic", "calm", "resourceful", "perceptive", "dedicated", "versatile"]
TITLE_WORDS = ["Stellar", "Culinary", "Digital", "Green", "Wise", "Bright", "Curious", "Steady", "Bold", "Clear",
               "Compass", "Beacon", "Atlas", "Harbor", "Summit", "Lantern", "Pioneer", "Keystone"]
VERBS = ["explaining", "teaching", "unpacking", "demystifying", "exploring", "clarifying", "guiding people through",
         "breaking down", "illuminating", "navigating"]
GOALS = ["enlighten", "empower", "inform", "equip", "inspire", "support", "reassure", "challenge", "guide"]

# Per subdimension: quality words (q), and templates for the preference's name,
# the first sentence of its description, and the system-message sentences that state it.
SPEC = {
    ("style", "clarity"): dict(
        q=["clear", "lucid", "unambiguous", "jargon-free", "plain-spoken", "transparent", "crisp", "accessible", "straightforward"],
        names=["{Q} explanations", "{Q} and {q2} language", "Clarity about {kw}", "{Q} walkthroughs of {kw}"],
        desc=["This preference values {q} and {q2} explanations of {kw}, so that ideas about {topic} land without confusion.",
              "Responses should unpack {kw} and {kw2} in {q} terms, avoiding dense phrasing that obscures the main point.",
              "The user wants {q} language when {topic} gets technical, with each idea about {kw} stated once and plainly."],
        sys=["Your explanations of {kw} are {q} and {q2}, stripping away anything that would cloud the point.",
             "You present {kw} and {kw2} in {q} language, so every idea about {topic} lands without confusion.",
             "When {topic} turns technical, you keep your wording {q}, stating each idea about {kw} once and plainly."]),
    ("style", "conciseness"): dict(
        q=["concise", "brief", "succinct", "compact", "to-the-point", "economical", "lean", "trimmed"],
        names=["{Q} answers", "{Q} and direct", "Straight to the point on {kw}", "{Q} summaries of {kw}"],
        desc=["This preference favors {q} responses that cover {kw} without superfluous detail or long preambles.",
              "The user prefers {q}, {q2} answers that get straight to {kw} and skip filler, repetition and recaps.",
              "Answers about {topic} should stay {q}, giving the essentials of {kw} in as few words as accuracy allows."],
        sys=["You keep every answer {q} and {q2}, getting straight to {kw} without superfluous detail.",
             "Your replies on {topic} stay {q}, covering the essentials of {kw} in as few words as accuracy allows.",
             "You skip filler and long preambles, giving {q} answers about {kw} and {kw2}."]),
    ("style", "format"): dict(
        q=["structured", "step-by-step", "bulleted", "tabular", "sectioned", "compare-and-contrast", "outlined", "numbered"],
        names=["{Q} format", "{Q} layout for {kw}", "{Q} presentation", "Compare-and-contrast of {kw} and {kw2}"],
        desc=["This preference asks for a {q} format, laying out {kw} and {kw2} so the reader can scan and return to each part.",
              "Responses should use a {q} layout, with {q2} sections that separate {kw} from {kw2} for quick reference.",
              "The user likes information about {topic} organized in a {q} way, for example a {q2} list of {kw}."],
        sys=["You organize your answers in a {q} format, laying out {kw} and {kw2} so readers can scan each part.",
             "Your responses use a {q}, {q2} layout that separates {kw} from {kw2} for quick reference.",
             "Information about {topic} arrives in a {q} shape from you, such as a {q2} list of {kw}."]),
    ("style", "tone"): dict(
        q=["warm", "playful", "encouraging", "reflective", "conversational", "upbeat", "empathetic", "wonder-filled", "gentle"],
        names=["{Q} and {q2} tone", "{Q} voice", "{Q} conversation about {kw}", "Professionally {q}"],
        desc=["This preference calls for a {q}, {q2} tone that makes conversations about {kw} feel inviting rather than intimidating.",
              "The user responds best to a {q} voice, one that treats questions about {topic} with {q2} curiosity.",
              "Responses should sound {q} and human, keeping discussions of {kw} friendly while staying substantive."],
        sys=["You speak in a {q}, {q2} tone that makes talking about {kw} feel inviting rather than intimidating.",
             "Your voice is {q}, and you treat every question about {topic} with {q2} curiosity.",
             "You sound {q} and human, keeping discussions of {kw} friendly while staying substantive."]),
    ("style", "vividness"): dict(
        q=["vivid", "evocative", "imaginative", "graphic", "colorful", "cinematic", "sensory", "narrative"],
        names=["{Q} storytelling", "{Q} imagery of {kw}", "{Q} and {q2} descriptions", "Narrative flair for {kw}"],
        desc=["This preference seeks {q} descriptions that paint {kw} with {q2} imagery, making abstract parts of {topic} tangible.",
              "The user enjoys {q} storytelling, where {kw} and {kw2} come alive through scenes, metaphors and sensory detail.",
              "Responses should be {q}, using {q2} analogies so the workings of {kw} stay memorable."],
        sys=["You paint {kw} with {q}, {q2} imagery, making the abstract parts of {topic} tangible.",
             "Through {q} storytelling, you bring {kw} and {kw2} to life with scenes, metaphors and sensory detail.",
             "Your descriptions are {q}, drawing on {q2} analogies so the workings of {kw} stay memorable."]),
    ("style", "formality"): dict(
        q=["formal", "academic", "professional", "polished", "measured", "courteous", "scholarly", "businesslike"],
        names=["{Q} register", "{Q} and {q2} style", "{Q} prose on {kw}", "Professional register"],
        desc=["This preference calls for a {q}, {q2} register suitable for reports on {topic}, avoiding slang and casual asides.",
              "The user expects {q} prose when discussing {kw}, with precise terminology and complete sentences throughout.",
              "Responses should keep a {q} distance, presenting {kw} in the measured style of a {q2} briefing."],
        sys=["You write in a {q}, {q2} register suited to reports on {topic}, avoiding slang and casual asides.",
             "Your prose about {kw} is {q}, with precise terminology and complete sentences throughout.",
             "You keep a {q} distance, presenting {kw} in the measured style of a {q2} briefing."]),
    ("background_knowledge", "basic"): dict(
        q=["basic", "everyday", "common-sense", "general", "elementary", "minimal", "introductory", "lay"],
        names=["{Q} understanding of {topic}", "Aware of {kw} but not in depth", "{Q} familiarity", "General audience"],
        desc=["The user has a {q} understanding of {topic}, aware of {kw} from daily life but without formal study.",
              "This preference assumes only {q} knowledge, so explanations of {kw} build from {q2} experience rather than theory.",
              "Responses should suit someone with {q} awareness of {kw} who has never needed the finer points of {topic}."],
        sys=["You assume only a {q} understanding of {topic}, the kind people gain about {kw} from daily life.",
             "Your explanations of {kw} build from {q2} experience rather than theory, matching a {q} level of knowledge.",
             "You address people with {q} awareness of {kw} who have never needed the finer points of {topic}."]),
    ("background_knowledge", "novice"): dict(
        q=["novice", "beginner", "first-time", "newcomer", "entry-level", "fresh", "inexperienced", "starting"],
        names=["{Q} in {topic}", "Minimal understanding of {kw}", "Simplify {kw} for {q} learners", "Understandable to all"],
        desc=["The user is a {q} in {topic}, new to {kw} and in need of explanations that define every term from scratch.",
              "This preference targets {q} learners who have never worked with {kw}, so nothing should be taken for granted.",
              "Responses should simplify {kw} and {kw2} for a {q} audience, introducing one concept at a time."],
        sys=["You assume your audience is {q} to {topic}, so you define every term about {kw} from scratch.",
             "You take nothing for granted, since the people you help are {q} learners who have never worked with {kw}.",
             "You simplify {kw} and {kw2} for a {q} audience, introducing one concept at a time."]),
    ("background_knowledge", "intermediate"): dict(
        q=["intermediate", "moderate", "working", "practical", "solid", "foundational", "hands-on", "developing"],
        names=["{Q} familiarity with {kw}", "Familiar with {kw} but new to {kw2}", "{Q} knowledge of {topic}", "Some experience"],
        desc=["The user has {q} familiarity with {topic}, knowing {kw} already but wanting to deepen their grasp of {kw2}.",
              "This preference assumes a {q} level of knowledge: basic {kw} is understood, while {kw2} still needs explanation.",
              "Responses should neither oversimplify nor overwhelm, matching someone with {q} experience of {kw}."],
        sys=["You assume a {q} familiarity with {topic}: your audience knows {kw} and wants to deepen their grasp of {kw2}.",
             "You treat basic {kw} as understood while still explaining {kw2}, matching a {q} level of knowledge.",
             "Without oversimplifying or overwhelming, you pitch your help at people with {q} experience of {kw}."]),
    ("background_knowledge", "advanced"): dict(
        q=["advanced", "proficient", "seasoned", "skilled", "experienced", "well-versed", "fluent", "capable"],
        names=["{Q} knowledge of {kw}", "{Q} practitioner of {topic}", "Familiar with {kw} and {kw2}", "Knowledge in {kw}"],
        desc=["The user is {q} in {topic} and comfortable with {kw}, so responses can skip the basics and discuss {kw2} directly.",
              "This preference assumes {q} knowledge, letting answers use the vocabulary of {kw} without stopping to define it.",
              "Responses should engage a {q} reader who already applies {kw} and wants nuance about {kw2}."],
        sys=["Your audience is {q} in {topic} and comfortable with {kw}, so you skip the basics and discuss {kw2} directly.",
             "You use the vocabulary of {kw} freely, assuming {q} knowledge rather than stopping to define terms.",
             "You engage {q} readers who already apply {kw} and want nuance about {kw2}."]),
    ("background_knowledge", "expert"): dict(
        q=["expert", "specialist", "professional", "research-level", "authoritative", "deep", "veteran", "graduate-level"],
        names=["{Q} in {topic}", "{Q} command of {kw}", "Multidisciplinary {kw}", "Familiarity with {kw} principles"],
        desc=["The user is an {q} in {topic}, expecting discussion of {kw} at the level of current research and professional practice.",
              "This preference addresses {q} readers who know {kw} and {kw2} thoroughly and want precise, technical exchanges.",
              "Responses should assume {q} command of {kw}, engaging with edge cases and open questions in {topic}."],
        sys=["You converse as one {q} to another, treating {kw} at the level of current research and professional practice in {topic}.",
             "Your readers know {kw} and {kw2} thoroughly, so your exchanges are precise, technical and {q}.",
             "You assume {q} command of {kw} and engage with edge cases and open questions in {topic}."]),
    ("informativeness", "relevance"): dict(
        q=["relevant", "targeted", "focused", "context-aware", "pertinent", "tailored", "situation-specific", "personalized"],
        names=["Highly {q} {kw}", "{Q} examples", "Real-world applications of {kw}", "{Q} to {topic}"],
        desc=["This preference keeps responses {q} to the question, tying {kw} to the user's situation instead of general background.",
              "The user wants {q} information about {kw}, with examples that match their circumstances in {topic}.",
              "Answers should highlight how {kw} applies in the real world, staying {q} to what the user asked."],
        sys=["You keep every answer {q} to the question, tying {kw} to the user's own situation instead of general background.",
             "The information you share about {kw} is {q}, with examples that match the user's circumstances in {topic}.",
             "You highlight how {kw} applies in the real world and stay {q} to what was asked."]),
    ("informativeness", "practicality"): dict(
        q=["practical", "actionable", "application-ready", "hands-on", "usable", "concrete", "implementable", "realistic"],
        names=["{Q} advice on {kw}", "Application-ready {kw}", "{Q} and {q2} steps", "Prevention and management of {kw}"],
        desc=["This preference favors {q} advice the user can apply to {kw} right away, with {q2} steps instead of abstract theory.",
              "The user wants {q} guidance on {topic}, such as techniques for {kw} that work in ordinary conditions.",
              "Responses should end in something {q}: a plan, checklist or next step for handling {kw}."],
        sys=["You favor {q} advice people can apply to {kw} right away, offering {q2} steps instead of abstract theory.",
             "Your guidance on {topic} is {q}, with techniques for {kw} that work in ordinary conditions.",
             "You always end with something {q}, such as a plan, checklist or next step for handling {kw}."]),
    ("informativeness", "depth"): dict(
        q=["in-depth", "detailed", "thorough", "rigorous", "deep", "analytical", "layered", "substantive"],
        names=["{Q} exploration of {kw}", "Detailed explanation of {kw}", "{Q} analysis", "Step-by-step derivation of {kw}"],
        desc=["This preference calls for an {q} exploration of {kw}, covering not just what happens but why, including {kw2}.",
              "The user wants {q} explanations that trace the mechanisms behind {kw} and connect them to {kw2}.",
              "Responses should go beyond surface facts of {topic}, offering a {q} account of {kw} with its underlying causes."],
        sys=["You offer an {q} exploration of {kw}, covering not only what happens but why, including {kw2}.",
             "Your explanations are {q}, tracing the mechanisms behind {kw} and connecting them to {kw2}.",
             "You go beyond surface facts about {topic}, giving a {q} account of {kw} and its underlying causes."]),
    ("informativeness", "creativity"): dict(
        q=["creative", "innovative", "inventive", "original", "unconventional", "playful", "fresh", "imaginative"],
        names=["{Q} ideas for {kw}", "Enriched with trivia about {topic}", "{Q} combinations", "Innovative example-driven {kw}"],
        desc=["This preference welcomes {q} ideas, combining {kw} and {kw2} in ways the user would not find in a textbook.",
              "The user enjoys {q} angles on {topic}, such as surprising trivia or unusual uses of {kw}.",
              "Responses should offer {q} solutions, integrating {kw} with ideas from outside {topic}."],
        sys=["You bring {q} ideas, combining {kw} and {kw2} in ways people would not find in a textbook.",
             "You enjoy {q} angles on {topic}, sharing surprising trivia and unusual uses of {kw}.",
             "Your solutions are {q}, integrating {kw} with ideas from outside {topic}."]),
    ("informativeness", "efficiency"): dict(
        q=["efficient", "streamlined", "quick", "prioritized", "high-yield", "time-saving", "focused", "essential"],
        names=["Focus on critical points of {kw}", "{Q} and straightforward", "{Q} practices for {kw}", "Quick wins in {topic}"],
        desc=["This preference values {q} answers that focus on the critical points of {kw} and leave out low-value detail.",
              "The user wants the most {q} route through {topic}, prioritizing what matters most about {kw}.",
              "Responses should highlight {q} practices for {kw}, so the user spends time only where it pays off."],
        sys=["You are {q}, focusing on the critical points of {kw} and leaving out low-value detail.",
             "You chart the most {q} route through {topic}, prioritizing what matters most about {kw}.",
             "You highlight {q} practices for {kw}, so people spend time only where it pays off."]),
    ("informativeness", "comprehensiveness"): dict(
        q=["comprehensive", "complete", "exhaustive", "wide-ranging", "holistic", "full", "all-round", "broad"],
        names=["{Q} coverage of {kw}", "{Q} overview of {topic}", "{Q} detailing of {kw} and {kw2}", "Full picture"],
        desc=["This preference seeks {q} coverage of {kw}, addressing its functions, impacts and the related questions of {kw2}.",
              "The user wants a {q} overview of {topic} that leaves no major aspect of {kw} unexplained.",
              "Responses should be {q}, covering {kw} and {kw2} together with their broader implications."],
        sys=["Your coverage of {kw} is {q}, addressing its functions, impacts and related questions of {kw2}.",
             "You give a {q} overview of {topic} that leaves no major aspect of {kw} unexplained.",
             "You are {q}, covering {kw} and {kw2} together with their broader implications."]),
    ("harmlessness", "accuracy"): dict(
        q=["accurate", "verified", "up-to-date", "precise", "fact-checked", "correct", "exact", "reliable"],
        names=["{Q} facts about {kw}", "Up-to-date and verified", "Faithful to {kw}", "Arithmetically cautious"],
        desc=["This preference puts {q} information first, so claims about {kw} are checked and errors about {topic} are avoided.",
              "The user relies on {q} facts and expects figures about {kw} to be double-checked before they are stated.",
              "Responses should be {q} and faithful to established knowledge of {kw}, correcting misconceptions where they arise."],
        sys=["You put {q} information first, checking claims about {kw} so no errors about {topic} slip through.",
             "Every figure you give about {kw} is {q} and double-checked before you state it.",
             "You stay {q} and faithful to established knowledge of {kw}, correcting misconceptions where they arise."]),
    ("harmlessness", "morality"): dict(
        q=["ethical", "responsible", "principled", "conscientious", "humane", "respectful", "fair-minded", "caring"],
        names=["{Q} use of {kw}", "Promotes positive self-care", "{Q} considerations in {topic}", "Respectful of wildlife"],
        desc=["This preference emphasizes {q} considerations, making sure advice on {kw} respects the wellbeing of people and animals.",
              "The user values {q} guidance that points out the ethical implications of {kw} in {topic}.",
              "Responses should promote {q} choices around {kw}, avoiding suggestions with negative implications for others."],
        sys=["You weigh {q} considerations, making sure your advice on {kw} respects the wellbeing of people and animals.",
             "You point out the ethical implications of {kw} in {topic}, keeping your guidance {q}.",
             "You promote {q} choices around {kw} and avoid suggestions with negative implications for others."]),
    ("harmlessness", "safety"): dict(
        q=["safe", "cautious", "protective", "risk-aware", "careful", "secure", "preventive", "harm-avoiding"],
        names=["{Q} practices for {kw}", "Emphasize {kw} security", "Avoiding harm with {kw}", "Promotes non-violence"],
        desc=["This preference prioritizes {q} practices, flagging the risks of {kw} and steering the user away from harm.",
              "The user wants {q} guidance on {topic}, including warnings about {kw} and when to seek professional help.",
              "Responses should be {q}, recommending precautions for {kw} and never encouraging dangerous shortcuts."],
        sys=["You prioritize {q} practices, flagging the risks of {kw} and steering people away from harm.",
             "Your guidance on {topic} is {q}, with warnings about {kw} and advice on when to seek professional help.",
             "You recommend precautions for {kw}, stay {q}, and never encourage dangerous shortcuts."]),
    ("harmlessness", "sensitivity"): dict(
        q=["sensitive", "empathetic", "non-judgmental", "considerate", "tactful", "compassionate", "culturally aware", "gentle"],
        names=["{Q} about {kw}", "Culturally considerate and non-judgmental", "{Q} tone toward {kw}", "Respect for diverse levels"],
        desc=["This preference asks for {q}, {q2} handling of {kw}, recognizing that the topic may be personal for the user.",
              "The user appreciates a {q} approach that avoids judgment when discussing {kw} and {kw2}.",
              "Responses should stay {q} to different backgrounds and experiences with {topic}."],
        sys=["You handle {kw} in a {q}, {q2} way, recognizing that the topic may be personal for the people you help.",
             "You discuss {kw} and {kw2} without judgment, keeping your approach {q}.",
             "You stay {q} to the different backgrounds and experiences people bring to {topic}."]),
    ("harmlessness", "trustworthiness"): dict(
        q=["trustworthy", "transparent", "honest", "dependable", "candid", "credible", "balanced", "tested"],
        names=["{Q} guidance on {kw}", "Tested and verified solutions", "Balanced view of {kw}", "References to research"],
        desc=["This preference values {q} answers that admit uncertainty about {kw} and explain where the information comes from.",
              "The user wants {q} solutions for {topic}, tested approaches to {kw} rather than guesses presented as fact.",
              "Responses should be {q}, giving a balanced view of {kw} and pointing to the evidence behind each claim."],
        sys=["You are {q}, admitting uncertainty about {kw} and explaining where your information comes from.",
             "You offer {q} solutions for {topic}: tested approaches to {kw} rather than guesses presented as fact.",
             "You give a {q}, balanced view of {kw} and point to the evidence behind each claim."]),
    ("harmlessness", "objectivity"): dict(
        q=["neutral", "unbiased", "impartial", "objective", "even-handed", "dispassionate", "nonpartisan", "fair"],
        names=["{Q} and {q2}", "{Q} treatment of {kw}", "Even-handed on {topic}", "Neutral stance"],
        desc=["This preference emphasizes a {q}, {q2} stance on {kw}, acknowledging benefits as well as limitations.",
              "The user wants {q} information about {topic}, presenting competing views on {kw} without taking sides.",
              "Responses should remain {q}, separating evidence about {kw} from opinion and avoiding bias."],
        sys=["You maintain a {q}, {q2} stance on {kw}, acknowledging benefits as well as limitations.",
             "You present competing views on {kw} without taking sides, keeping information about {topic} {q}.",
             "You remain {q}, separating evidence about {kw} from opinion and avoiding bias."]),
    ("harmlessness", "privacy"): dict(
        q=["privacy-conscious", "discreet", "confidential", "data-minimal", "privacy-preserving", "guarded", "careful", "protective"],
        names=["{Q} handling of {kw}", "Protects personal data", "{Q} about {topic}", "Avoidance of data loss"],
        desc=["This preference calls for {q} handling of personal details related to {kw}, never asking for more than is needed.",
              "The user expects {q} advice on {topic} that protects their data and warns before anything about {kw} is shared.",
              "Responses should be {q}, reminding the user how information about {kw} could be exposed or lost."],
        sys=["You are {q} with personal details related to {kw} and never ask for more than you need.",
             "Your advice on {topic} is {q}, protecting people's data and warning before anything about {kw} is shared.",
             "You stay {q}, reminding people how information about {kw} could be exposed or lost."]),
    ("harmlessness", "inclusivity"): dict(
        q=["inclusive", "accessible", "welcoming", "representative", "equitable", "barrier-free", "diverse", "open"],
        names=["Promote inclusiveness in {topic}", "{Q} language", "{Q} examples of {kw}", "Accessible to everyone"],
        desc=["This preference promotes {q} language and examples, so discussions of {kw} welcome people of every background.",
              "The user values {q} advice on {topic}, with options for {kw} that work for different abilities and budgets.",
              "Responses should be {q}, avoiding assumptions about who practices {kw} and including diverse perspectives."],
        sys=["You use {q} language and examples, so your discussions of {kw} welcome people of every background.",
             "Your advice on {topic} is {q}, with options for {kw} that work for different abilities and budgets.",
             "You stay {q}, avoiding assumptions about who practices {kw} and including diverse perspectives."]),
}

DESC_TAIL = [
    "It suits {aud} who want to understand {topic} without wading through unnecessary material, and who judge an answer by how much of it they can use.",
    "It caters to {aud} who value this approach, want to act on what they read, and lose patience with responses that ignore how they think about {kw2}.",
    "It reflects how {aud} tend to learn about {kw2} most effectively, building on what they already know instead of starting over each time.",
    "This helps {aud} build confidence with {kw2} step by step, so that later questions can go further without revisiting the groundwork.",
    "Such an approach keeps {aud} engaged while they work through {kw2}, and makes the exchange feel like a conversation with a capable colleague.",
    "It matters most for {aud}, who often meet {kw2} under time pressure and need answers they can trust and apply on the spot.",
]

# Preferences in the shared pool are generic (the ones that recur across many rows in the real data).
GENERIC_TOPICS = [
    ("the subject", ["key concepts", "core ideas", "technical terms", "underlying principles", "common pitfalls", "worked examples"]),
    ("any field", ["the main idea", "background details", "practical steps", "edge cases", "the reasoning", "real-world cases"]),
    ("technical subjects", ["specialized vocabulary", "formulas", "code samples", "system behavior", "trade-offs", "error cases"]),
    ("everyday questions", ["daily routines", "personal choices", "household tasks", "common situations", "simple tools", "habits"]),
]

SYS_EXTRA = [
    "This matters especially for {aud}, who often meet {kw2} for the first time and need to feel {q2} support.",
    "In practice, that means paying attention to {kw2} as well, and staying {q2} when the details get complicated.",
    "You apply this consistently, even when the conversation drifts toward {kw2}, because {aud} count on it.",
]

OPENERS = [
    "You are a {radj} {role} in {topic}, dedicated to {verb} {kw} for {aud} who want to make sense of it on their own terms.",
    "As the {Title} {Role}, your mission is {verb} {topic} for {aud} who come to you with questions about {kw} and {kw2}.",
    "You serve as a {radj} {role} in the realm of {topic}, helping {aud} with everything from {kw} to {kw2}.",
    "Imagine yourself as a {radj} {role} whose specialty is {topic}, especially {kw}, and whose conversations begin wherever people happen to be.",
]
CLOSERS = [
    "Your ultimate goal is to {goal} people, leaving them with a clearer, more confident understanding of {topic}.",
    "Through every exchange, you aim to {goal} the people you help and make {topic} feel within reach.",
    "In all of this, your purpose is to {goal}, so that each conversation about {topic} leaves people better prepared.",
    "Above all, you strive to {goal} and to make {kw} a subject people enjoy returning to.",
]
FILLER = [
    "You draw on {kw} and {kw2} whenever they shed light on the question at hand.",
    "You connect each answer back to the bigger picture of {topic}.",
]

PROMPTS = [
    "I have been reading about {kw} for a while, mostly in the context of {topic}. How does it interact with {kw2}, and is there a simple experiment I could run to see the effect of {kw3} myself?",
    "I'm one of those {aud} trying to get my head around {topic}. Could you explain how {kw} relates to {kw2}, and what mistakes people usually make when they first deal with {kw3}?",
    "Can you help me understand {kw} in {topic}? I keep reading about {kw2} and {kw3}, but I can't see how they fit together or which one I should focus on first.",
    "Write a short guide on {kw} for {aud}. It should cover {kw2}, mention {kw3}, and end with a few practical tips I can try this week.",
    "What is the difference between {kw} and {kw2}? Please give an example from {topic} and tell me when each one matters in practice.",
    "My friend says {kw} doesn't matter much in {topic}, but I think it does. Who is right, and how does {kw2} change the answer?",
    "Explain why {kw} is important in {topic}, then compare it with {kw2} and {kw3} in a way that {aud} could follow.",
]

OUTPUT_SENT = [
    "{Kw} sits at the heart of {topic}, because it shapes how {kw2} behaves in everyday situations.",
    "A useful way to think about {kw} is as a set of trade-offs rather than a single rule.",
    "When people first meet {kw2}, they often confuse it with {kw3}, but the two answer different questions.",
    "In practice, {kw} becomes easier once you notice how it interacts with {kw2}.",
    "Consider a simple case: someone working on {kw3} changes one thing at a time and watches what happens.",
    "The most common mistake is to treat {kw} as fixed, when it actually depends on context.",
    "Experts in {topic} usually start by asking what problem {kw2} is meant to solve.",
    "It helps to keep a short checklist: define the goal, review {kw}, then test the effect on {kw3}.",
    "Over time, these habits turn {kw2} from a source of confusion into a dependable tool.",
    "There is no single right answer, but the evidence points toward paying attention to {kw} early.",
    "If you remember one thing, remember that {kw3} rewards patience more than speed.",
    "To sum up the practical side, start small with {kw}, measure what changes, and adjust.",
    "Historically, the understanding of {kw} in {topic} has shifted as better methods became available.",
    "Notice how each step builds on the previous one, so skipping {kw2} tends to cause trouble later.",
    "For {aud}, the clearest entry point is usually a concrete example involving {kw3}.",
]

MAIN_SOURCES = ["OpenHermesPreferences", "Nectar", "UltraFeedback", "mpa", "ultrafeedback_binarized_cleaned"]
ORIGINAL_SOURCES = ["glaive-code-assist", "CamelAI", "metamath", "airoboros2.2", "EvolInstruct_70k", "platypus",
                    "cot_alpaca_gpt4", "lmsys1m", "sharegpt", "flan_v2_niv2", "ultrachat", "evol_instruct",
                    "false_qa", "GPT-4 Comparison Data", "UnnaturalInstructions", "alpaca", "caseus_custom", "anthropic-hh"]

DIMENSIONS = ["style", "background_knowledge", "informativeness", "harmlessness"]
SUBDIMS = {d: [s for (dd, s) in SPEC if dd == d] for d in DIMENSIONS}


# ---------------------------------------------------------------------------
# Generation


def cap(s):
    return s[:1].upper() + s[1:]


_A_AN = re.compile(r"\b([Aa])(n?) (\w)")


def articles(text):
    """'a encouraging' -> 'an encouraging', 'an detailed' -> 'a detailed' (templates fill words blindly)."""
    def fix(m):
        vowel = m.group(3).lower() in "aeiou"
        return m.group(1) + ("n " if vowel else " ") + m.group(3)
    return _A_AN.sub(fix, text)


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.pool = self._make_pool()
        weights = [1.0 / (i + 8) for i in range(POOL_PER_DIMENSION)]
        self.pool_cum = list(itertools.accumulate(weights))

    def _slots(self, rng, topic, dim, sub):
        name, kws = topic
        spec = SPEC[(dim, sub)]
        kw, kw2 = rng.sample(kws, 2)
        q, q2 = rng.sample(spec["q"], 2)
        return {"topic": name, "kw": kw, "kw2": kw2, "q": q, "q2": q2, "Q": cap(q), "aud": rng.choice(AUDIENCES)}

    def _preference(self, rng, topic, dim, sub):
        spec = SPEC[(dim, sub)]
        s = self._slots(rng, topic, dim, sub)
        name = rng.choice(spec["names"]).format(**s)
        desc = rng.choice(spec["desc"]).format(**s)
        if rng.random() < 0.85:
            desc += " " + rng.choice(DESC_TAIL).format(**s)
        return {"dimension": dim, "subdimension": sub, "preference": name, "description": articles(desc)}, s

    def _make_pool(self):
        rng = random.Random(POOL_SEED)
        pool = {}
        for dim in DIMENSIONS:
            entries = []
            for _ in range(POOL_PER_DIMENSION):
                sub = rng.choice(SUBDIMS[dim])
                entries.append(self._preference(rng, rng.choice(GENERIC_TOPICS), dim, sub) + (sub,))
            pool[dim] = entries
        return pool

    def group(self, row_count):
        """Rows that share one prompt (the real collection has three system messages per instruction)."""
        rng = self.rng
        topic = rng.choice(TOPICS)
        name, kws = topic
        kw, kw2, kw3 = rng.sample(kws, 3)
        aud = rng.choice(AUDIENCES)
        prompt = rng.choice(PROMPTS).format(topic=name, kw=kw, kw2=kw2, kw3=kw3, aud=aud)
        original = rng.choice(ORIGINAL_SOURCES)
        main = rng.choice(MAIN_SOURCES)
        return [self.row(topic, prompt, main, original) for _ in range(row_count)]

    def row(self, topic, prompt, main_source, original_source):
        rng = self.rng
        prefs, slots, shared = [], [], []
        for dim in DIMENSIONS:
            if rng.random() < SHARED_FRACTION:
                i = bisect.bisect_left(self.pool_cum, rng.random() * self.pool_cum[-1])
                p, s, _ = self.pool[dim][min(i, POOL_PER_DIMENSION - 1)]
                prefs.append(dict(p))
                slots.append(s)
                shared.append(True)
            else:
                sub = rng.choice(SUBDIMS[dim])
                p, s = self._preference(rng, topic, dim, sub)
                prefs.append(p)
                slots.append(s)
                shared.append(False)

        name, kws = topic
        kw, kw2 = rng.sample(kws, 2)
        base = {"topic": name, "kw": kw, "kw2": kw2, "aud": rng.choice(AUDIENCES), "radj": rng.choice(ROLE_ADJ),
                "role": rng.choice(ROLES), "verb": rng.choice(VERBS), "goal": rng.choice(GOALS),
                "Title": rng.choice(TITLE_WORDS)}
        base["Role"] = cap(base["role"])
        sentences = [rng.choice(OPENERS).format(**base)]
        truth = []
        # Janus system messages mostly follow the preference order; sometimes they do not.
        order = list(range(4))
        if rng.random() < 0.3:
            rng.shuffle(order)
        per_pref = {}
        for i in order:
            p, s = prefs[i], slots[i]
            spec = SPEC[(p["dimension"], p["subdimension"])]
            idx = [len(sentences)]
            sentences.append(rng.choice(spec["sys"]).format(**s))
            if rng.random() < 0.5:
                idx.append(len(sentences))
                sentences.append(rng.choice(SYS_EXTRA).format(**s))
            per_pref[i] = idx
        text_len = sum(len(x) + 1 for x in sentences)
        closer = rng.choice(CLOSERS).format(**base)
        # Keep the system message in the real range (about 700-1,300 characters).
        while text_len + len(closer) < 700:
            extra = rng.choice(FILLER).format(**base)
            sentences.append(extra)
            text_len += len(extra) + 1
        sentences.append(closer)
        truth = [per_pref[i] for i in range(4)]
        sentences = [articles(x) for x in sentences]
        system = " ".join(sentences)
        if len(system) > 1300:
            # Drop second sentences until it fits (they are the optional elaborations).
            for i in range(4):
                if len(per_pref[i]) > 1 and len(system) > 1300:
                    drop = per_pref[i][1]
                    sentences[drop] = None
                    system = " ".join(x for x in sentences if x is not None)
            # Re-number the truth after removals.
            mapping, k = {}, 0
            for j, x in enumerate(sentences):
                if x is not None:
                    mapping[j] = k
                    k += 1
            truth = [[mapping[j] for j in per_pref[i] if j in mapping] for i in range(4)]

        out = []
        o = {"topic": name, "aud": base["aud"]}
        length = 0
        target = rng.randint(1200, 1800)
        while length < target:
            a, b, c = rng.sample(kws, 3)
            o.update(kw=a, kw2=b, kw3=c, Kw=cap(a))
            sentence = rng.choice(OUTPUT_SENT).format(**o)
            out.append(sentence)
            length += len(sentence) + 1
            if rng.random() < 0.2:
                out.append("\n\n")
        output = " ".join(out).replace(" \n\n ", "\n\n").strip()
        row = {"main_source": main_source, "original_source": original_source, "preference_set": prefs,
               "system": system, "prompt": prompt, "output": output}
        return row, truth, shared


def main():
    ap = argparse.ArgumentParser(description="Generate a synthetic Multifaceted Collection JSONL file.")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--with-truth", action="store_true",
                    help="add `_truth` (sentence indices that state each preference) to every row")
    args = ap.parse_args()

    started = time.perf_counter()
    gen = Generator(args.seed)
    tmp = args.out + ".part"
    n = 0
    distinct = set()
    entries = shared_entries = 0
    sys_len = prompt_len = out_len = desc_len = 0
    subdims = set()
    with open(tmp, "w", encoding="utf-8") as f:
        write = f.write
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
        while n < args.rows:
            for row, truth, shared in gen.group(min(3, args.rows - n)):
                if args.with_truth:
                    row["_truth"] = truth
                write(dumps(row))
                write("\n")
                n += 1
                sys_len += len(row["system"])
                prompt_len += len(row["prompt"])
                out_len += len(row["output"])
                for p, sh in zip(row["preference_set"], shared):
                    entries += 1
                    shared_entries += sh
                    desc_len += len(p["description"])
                    distinct.add(hash((p["dimension"], p["subdimension"], p["preference"], p["description"])))
                    subdims.add((p["dimension"], p["subdimension"]))
    os.replace(tmp, args.out)
    elapsed = time.perf_counter() - started
    n = max(n, 1)
    print(f"{args.out}: {n} rows, {os.path.getsize(args.out) / 1e6:.1f} MB in {elapsed:.1f} s; "
          f"mean chars: system {sys_len / n:.0f}, prompt {prompt_len / n:.0f}, output {out_len / n:.0f}, "
          f"description {desc_len / max(entries, 1):.0f}; {entries} preference entries, "
          f"{shared_entries / max(entries, 1):.0%} from the shared pool, {len(distinct)} distinct preferences, "
          f"{len(subdims)} subdimensions", file=sys.stderr)


if __name__ == "__main__":
    main()
