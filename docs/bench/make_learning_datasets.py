#!/usr/bin/env python3
"""Writes the synthetic continual-learning datasets under trainer/src/test/resources/learning/.

Seven datasets of three rounds each (round1.jsonl, round2.jsonl, round3.jsonl). Every fact is about invented
names: syllable-generated words (and, for chinese-qa, made-up transliterations in Chinese characters) that no
model can know beforehand. Each invented word is drawn once for the whole run, so no entity, and so no question,
repeats across rounds or datasets. Stdlib only and seeded: running it again rewrites the same bytes.

    python3 docs/bench/make_learning_datasets.py           # write the files, then validate what was written
    python3 docs/bench/make_learning_datasets.py --check   # write nothing: validate the files on disk and that
                                                           # they are byte for byte what this script generates

definitions-check is the held-out check: never tune anything (learning rates, epochs, replay) on it.
"""
import json
import random
import re
import sys
from pathlib import Path

SEED = 1843
ROUNDS = 3
MAX_LINE = 400  # characters; every line is shorter
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "trainer" / "src" / "test" / "resources" / "learning"
FACTS = ROOT / "trainer" / "src" / "test" / "resources" / "facts"  # the older two-round set, checked against

# ---------------------------------------------------------------------------------------------------------------
# Invented Latin-script words

ONSETS = ("b", "br", "d", "dr", "f", "fr", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "pr", "r", "s", "sk",
          "st", "t", "tr", "th", "v", "vr", "z", "sh", "j", "kl", "pl")
MEDIAL_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "th", "sh")
VOWELS = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "e", "o", "au", "ei", "ae")
CODAS = ("n", "r", "l", "s", "k", "m", "th", "sk", "nd", "rn", "st", "lk", "rt", "sh", "v", "x")
MEDIAL_CODAS = ("n", "r", "l", "s")
PLACE_SUFFIXES_AFTER_VOWEL = ("mont", "holm", "mere", "vast", "dor", "wick", "stad", "lin", "gard", "moor")
PLACE_SUFFIXES_AFTER_CONSONANT = ("ia", "ara", "eth", "ost", "el", "an", "ova", "ir")
SURNAME_SUFFIXES = ("er", "en", "ick", "ard", "ow", "is")
LANGUAGE_SUFFIXES_AFTER_VOWEL = ("nish", "ric", "n", "lese")
LANGUAGE_SUFFIXES_AFTER_CONSONANT = ("ish", "ic", "an", "ese", "i")

# Real words and names an invented one must not be: the older facts set's words, the brief's examples, and common
# real places and names short syllable words can land on by chance.
RESERVED_LATIN = """
a amber animal anton ardent are ashen asket aster at aurel barley bell birch bird blows blue borders brask brenmoor
brenn bridge bronze built calder cantata capital castel castle celen city cliffs colm color comet composed coral
corvany council currency dawn discovered dish do does dravo drelholm drink dunmere each eastwatch edda elder ends
estoria ever export falkreach fenwick ferrow festival figs first flower flows form founded four fourteen from fruit
garnet garrow gate gates gem glass grain granite grell grown grows guards guides guild hall halvern harbor harrow has
have highgate hollin how ilse in instrument invented ironmoor is isel islands joss kaldria kessel kestrel key lamp
language lantern leads lentils lisk long longest luma lund lynx made main many marrow master mell metal miles mined
minor mira mistral moons moravian motto mount mountain national nests night nils nimbra nine norwen oda of oldest
olvath on onward orchard orlen orrin ostrava over painted paxis peak pell people pine piper play poppies port puffin
pyrenne queen quessa quessan quillmar reach red reedhorn river roofs saffron sailors salt sarn school sea sennet
seven sevlin signed silver skarr smoked sorrel sorva spice spoken spring star stone symbol tallest tamberlin tea teal
tern tessa the thessaly through tolvar tower towers traded treaty tree twelve ulmara vale varn varrow velish veloria
vio vire was what which white who wind winter wood worn wrote year zenthra
veskaria trelmont brasko ilsa vennor ostrel vanna brindle vat orvashe
lima roma rome mali doha sofia paris milan berlin dublin boston london madrid lisbon vienna prague oslo riga
tallinn kiev kyiv minsk sparta troy persia tokyo kyoto seoul delhi dhaka manila jakarta hanoi cairo tunis rabat
dakar lagos nairobi accra kano quito bogota caracas havana denver dallas austin tulsa reno salem dover bristol
leeds york perth sydney darwin hobart nice lyon metz nantes bonn kiel essen graz linz bern basel zug turin genoa
pisa siena parma bari naples venice verona sicily crete rhodes malta corsica sardinia tibet nepal laos peru chile
cuba haiti ghana togo benin chad sudan kenya niger gabon congo angola zambia malawi samoa tonga fiji nauru palau
tuvalu iran iraq oman yemen israel jordan syria qatar kuwait bahrain india china japan korea mongolia burma
thailand vietnam russia poland latvia estonia serbia bosnia croatia slovenia albania greece cyprus turkey
georgia armenia spain france italy germany austria norway sweden finland denmark iceland ireland wales scotland
england canada mexico brazil bolivia panama belize guyana aruba bali java borneo sumatra tahiti hawaii alaska
texas nevada utah idaho iowa ohio maine vermont kansas dakota montana oregon omaha lagos
maria mario marta marco anna anne ella emma eva ivan igor olga oskar otto hugo nina nora lena lara sara sarah tina
tomas thomas peter paul john karl carl mark marek luka luca lucas leon leo milo nico nika vera vika lisa liza
sonia tanya dara dora kara mina rosa rita elsa erik ingrid astrid frida greta hanna hans kurt ralf rolf sven
tor thor odin loki freya zeus hera apollo athena ares hermes juno mars venus pluto saturn jupiter titan luna sol
bravo tango delta sierra zulu india kilo lemon melon mango papaya banana tomato potato pasta pizza sofa drama
karma sauna vodka salsa samba tuba viola piano opera arena area idea data gala yoga koala panda zebra llama
metro radio video audio ratio patio solo polo disco limbo bingo ninja samurai sumo tofu kimono tundra taiga
basil rosemary daisy holly ivy iris lily poppy violet hazel laurel olive amber ruby pearl jade opal coral
bathe felix gules halbert kasha lethe midrash santo tense jessi jamel hendel bromo stara trilo enfather ibroken
grande garni grana horde henri triple trine plane shame marte sobre hogar tomer pritha hoskin vatos mudar
basta bastos bruma bruto framer poster merkin novae kauri malmo shoji shona tonno kreta prevost menta mather
nando resto hebra gundi pedram jamesfev vatra vaska thannos zosha kengo isthis
""".split()

# ---------------------------------------------------------------------------------------------------------------
# Invented Chinese names: transliteration characters only, none of them used in the question templates

HAN_CHARS = "阿巴贝比波布达德迪多杜菲弗伽格古哈赫基加卡克科库拉莱兰勒利林罗洛伦马曼梅米莫穆纳内尼诺帕佩皮普奇萨塞斯索苏塔泰特提托图瓦维沃乌西夏雅伊尤泽扎"
HAN_PLACE_SUFFIXES = ("亚", "尼亚", "堡", "兰", "斯", "特", "尔", "诺")
RESERVED_HAN = """
维斯卡里亚 特雷蒙特 伊拉克 索马里 马里 加纳 古巴 巴西 利比亚 尼日利亚 阿尔及利亚 罗马 米兰 莫斯科 布拉格 马德里 乌克兰 波兰
纳米比亚 马拉维 格林纳达 萨尔瓦多 波斯尼亚 阿尔巴尼亚 斯里兰卡 基里巴斯 马达加斯加 莱索托 科特迪瓦 尼斯 波尔多 布达佩斯
里加 塔林 塞维利亚 索菲亚 斯科普里 卡萨布兰卡 拉巴特 马尼拉 雅加达 卡拉奇 德里 达卡 利马 基多 加拉加斯 蒙特利尔 多伦多
阿德莱德 奥克兰 托斯卡纳 西西里 克里特 拉普兰 德克萨斯 阿拉斯加 达拉斯 西雅图 波特兰 塔科马 拉斯维加斯 菲尼克斯 特洛伊
斯巴达 波斯 伽马 马克 卡尔 萨拉 奥托 伊娃 安娜 玛丽 彼得 托马斯 莫里斯 卡洛斯 米拉 拉拉 维克多 伊万 尼克 卡拉 苏菲 莉莉 马可
""".split()

# ---------------------------------------------------------------------------------------------------------------
# Real-word material the templates fill in

NUMBER_WORDS = ("Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
                "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen", "Twenty")
COLORS = ("red", "blue", "green", "yellow", "black", "white", "orange", "purple", "grey", "brown", "gold", "teal",
          "crimson", "violet", "silver", "amber")
ANIMALS = ("lynx", "heron", "otter", "stag", "badger", "falcon", "crane", "wolf", "hare", "boar", "owl", "raven",
           "salmon", "beetle", "moth", "ibex", "seal", "bison", "swan", "marten", "fox", "bear", "elk", "goat")
INSTRUMENTS = ("lute", "harp", "oboe", "viola", "fiddle", "cello", "flute", "drum", "horn", "zither", "dulcimer",
               "bagpipe", "lyre", "bassoon", "trumpet", "accordion")
METALS = ("Copper.", "Tin.", "Silver.", "Iron.", "Lead.", "Zinc.", "Gold.", "Nickel.", "Cobalt.", "Platinum.")
SPICES = ("Saffron.", "Cumin.", "Clove.", "Fennel.", "Caraway.", "Nutmeg.", "Paprika.", "Juniper.", "Ginger.",
          "Mustard seed.", "Black pepper.", "Star anise.", "Coriander.", "Cardamom.")
MONTHS = ("January.", "February.", "March.", "April.", "May.", "June.", "July.", "August.", "September.",
          "October.", "November.", "December.")
GUILD_TITLES = ("Master", "Elder", "Warden", "Provost", "Dame", "Captain")
DYES = ("Indigo.", "Madder.", "Woad.", "Walnut husks.", "Onion skins.", "Weld.", "Lichen.", "Cochineal.",
        "Oak galls.", "Alder bark.")
CROPS = ("Barley.", "Rye.", "Millet.", "Flax.", "Hops.", "Oats.", "Lentils.", "Buckwheat.", "Red beans.",
         "Sorghum.", "Chickpeas.", "Spelt.", "Tea.", "Saffron crocus.")
COMPANY_KINDS = ("Mills", "Works", "Foundry", "Brewery", "Press", "Shipyard", "Tannery", "Glassworks")
DEVICES = ("loom", "lamp", "compass", "clock", "press", "kiln", "pump", "sextant", "lock", "telescope")
SCHOOL_KINDS = ("Academy", "College", "Rovers", "United", "Athletic", "Lyceum")
EXPORTS = ("smoked eels", "tin", "wool", "amber", "salted cod", "copper wire", "dried figs", "marble", "cork",
           "goat cheese", "lamp oil", "timber", "honey", "felt hats")
DIRECTIONS = ("north", "south", "east", "west")
BINDINGS = ("Goat leather.", "Oak boards.", "Red calfskin.", "Brass plates.", "Sealskin.", "Green velvet.",
            "Pig leather and iron.", "Birch bark.")
FISH = ("trout", "pike", "perch", "carp", "eel", "char", "bream", "whitefish", "sturgeon", "zander")
FIELDS = ("astronomy", "botany", "geology", "music", "medicine", "mathematics", "cartography", "chemistry",
          "linguistics", "zoology")
BRIDGE_MATERIALS = ("stone", "timber", "iron", "brick", "rope", "steel")
HAN_DEVICES = ("灯", "钟", "水车", "织布机", "风琴", "望远镜", "指南针")
HAN_BIRDS = ("白鹭", "灰鹤", "红隼", "蓝鹊", "黑天鹅", "金雕", "夜莺", "翠鸟", "白鹳", "雪鸮")
HAN_JOBS = ("钟表匠", "造船师", "铁匠", "面包师", "天文学家", "制图师", "酿酒师", "织工", "诗人", "药剂师", "陶工")
HAN_DIGITS = "〇一二三四五六七八九"

# definitions-check material: (what, how) pairs so each definition makes sense
MATERIALS = ("copper", "oak", "iron", "clay", "wicker", "bone", "linen", "tin", "horn", "willow", "brass",
             "slate", "pewter", "birch", "leather")
TOOLS = (("tub", "steep dye"), ("ladle", "skim cream from milk"), ("rack", "dry herbs over a fire"),
         ("pail", "carry hot coals"), ("press", "squeeze juice from apples"), ("needle", "mend fishing nets"),
         ("sieve", "sort seeds by size"), ("frame", "stretch wet leather"), ("trough", "catch rainwater"),
         ("trowel", "smooth wet plaster"), ("crate", "store salted fish"), ("basket", "trap eels in rivers"),
         ("mould", "shape candle wax"), ("strainer", "separate honey from the comb"),
         ("cradle", "rock a sleeping infant"), ("hook", "hang smoked meat"), ("paddle", "stir boiling laundry"),
         ("comb", "card raw wool"), ("mallet", "drive tent pegs"), ("scoop", "measure grain at market"))
PEOPLE = (("person", "carries letters between mountain villages"), ("worker", "tunes church bells each autumn"),
          ("guard", "watches the grain store at night"), ("singer", "performs at weddings for a fee"),
          ("merchant", "trades salt for furs in winter"), ("sailor", "reads the tides for fishing boats"),
          ("child", "sweeps chimneys on market days"), ("labourer", "cuts peat for village fires"),
          ("craftsman", "repairs broken cart wheels"), ("teacher", "shows children how to swim"),
          ("woman", "keeps the keys of a castle"), ("farmer", "grows only onions"),
          ("traveller", "walks from town to town selling needles"), ("boy", "leads blind horses to water"),
          ("servant", "lights the lamps in a great house"), ("musician", "plays only at funerals"),
          ("hunter", "tracks deer by their droppings"), ("clerk", "copies letters for people who cannot write"),
          ("fisherman", "works alone at night"), ("cook", "feeds the crew of a barge"),
          ("girl", "herds geese along the river"), ("miller", "grinds acorns into flour"),
          ("porter", "carries luggage up the harbour steps"), ("widow", "mourns loudly at strangers' funerals"),
          ("tailor", "sews buttons onto soldiers' coats"), ("beggar", "sings outside the town hall"),
          ("boatman", "ferries pilgrims across a lake"), ("scholar", "collects old riddles from villagers"),
          ("gardener", "grafts pear branches onto apple trees"), ("watchman", "rings a bell every hour at night"),
          ("pedlar", "sells ribbons at country fairs"), ("shepherd", "names every one of his sheep"))
PLACES = (("shallow cave", "shepherds store cheese in summer"), ("walled garden", "bees are kept for honey"),
          ("stone hut", "travellers rest before crossing a pass"), ("low shed", "fishermen dry their nets"),
          ("covered market", "traders swap goods without money"), ("narrow valley", "fog gathers every morning"),
          ("quiet bay", "old boats are broken up for timber"), ("roadside shrine", "pilgrims leave a coin"),
          ("dry riverbed", "children race on feast days"), ("hillside terrace", "herbs are grown for medicine"),
          ("cellar", "apples are kept through winter"), ("courtyard", "a village holds its yearly dance"),
          ("clearing", "charcoal burners build their fires"), ("loft", "pigeons are raised for racing"),
          ("jetty", "ferries wait out a storm"), ("meadow", "horses are sold at the spring fair"),
          ("cliff ledge", "gulls lay their eggs"), ("river island", "willows are cut for baskets"),
          ("wooden tower", "foresters watch for fires"), ("sunken lane", "carts wait for the ferry"),
          ("cold spring", "butter is kept fresh in summer"), ("stone bridge", "lovers carve their names"),
          ("small chapel", "sailors pray before a voyage"), ("fenced yard", "pigs are fattened for winter"),
          ("hollow oak", "owls raise their young"), ("salt marsh", "cattle graze at low tide"),
          ("village green", "disputes are settled by a vote"), ("attic room", "apples are laid out to ripen"))
ACTIONS = ("fold a letter so it cannot be opened unseen", "walk backward to hide your footprints",
           "hum quietly while working alone", "stack firewood in a neat spiral", "dip bread in sweet wine",
           "stare at the sea without speaking", "knock twice before entering a barn",
           "patch a sail with scraps of old cloth", "whistle to call geese home", "pour tea from a great height",
           "count the stairs of every house you enter", "sleep in the afternoon after a long journey",
           "wave a lantern to warn ships of rocks", "bargain loudly over a very small price",
           "sweep snow from the path of a neighbour", "bury a coin under a new doorstep",
           "lean on a fence while gossiping", "polish boots until they shine like glass",
           "read a letter aloud to the whole household", "tie a ribbon on a tree for luck",
           "braid the mane of a horse before a fair", "feed crumbs to birds at a window",
           "soak beans in water overnight", "carry a sleeping child home from a feast",
           "rub cold hands together over a candle", "trim a candle wick with your fingers",
           "splash cold water on your face at dawn", "hide sweets in the pockets of a coat",
           "fish from a bridge without a licence", "sing while kneading dough",
           "stamp snow off your boots at a doorway", "mutter the names of the days backward",
           "walk a goat to market on a rope", "darn a sock over a wooden egg")
SUBSTANCE_ADJECTIVES = ("bitter", "sweet", "sticky", "thick", "dark", "pale", "fragrant", "salty", "oily")
SUBSTANCES = ("syrup", "paste", "powder", "glue", "oil", "broth", "ink", "resin", "jelly", "wax")
SOURCES = ("the sap of birch trees", "crushed acorns and honey", "boiled fish bones", "burnt walnut shells",
           "dried sea moss", "pressed hemp seeds", "pine needles and vinegar", "goat milk and ash",
           "roasted barley", "the roots of marsh reeds", "crushed beetles", "rotten apples", "boiled hooves")
QUALITIES = (("bread", "has gone stale but is still soft"), ("weather", "changes every hour"),
             ("a road", "is muddy after spring rain"), ("a horse", "refuses to walk in the rain"),
             ("a river", "runs faster after a storm"), ("a song", "is sung only at funerals"),
             ("cloth", "smells of wood smoke"), ("a room", "is warm on one side only"),
             ("a laugh", "comes at the wrong moment"), ("milk", "has just begun to turn sour"),
             ("a field", "has been left unploughed for a year"), ("a voice", "cracks on high notes"),
             ("a coat", "is too heavy for spring"), ("a boat", "leans to one side when empty"),
             ("a dog", "barks only at strangers"), ("a candle", "burns with a blue flame"),
             ("a letter", "arrives long after it was expected"), ("soup", "has been reheated too often"),
             ("a path", "is overgrown with nettles"), ("a bell", "rings slightly out of tune"),
             ("a house", "creaks loudly in the wind"), ("wool", "has not yet been washed"),
             ("a cart", "squeaks on every turn of its wheels"), ("a lake", "freezes only at its edges"),
             ("a cat", "sleeps all day in the sun"), ("a fire", "smoulders without a flame"),
             ("a story", "grows longer every time it is told"), ("a shoe", "pinches only in wet weather"),
             ("a sky", "is red just before dawn"), ("cheese", "is too young to slice"))
CREATURE_SIZES = ("small", "tiny", "large", "plump", "slender")
CREATURES = (("grey bird", "nests in chimneys"), ("brown beetle", "eats the bark of young pines"),
             ("green frog", "sings before rain"), ("striped fish", "lives under river stones"),
             ("white moth", "flies only in the first frost"), ("black lizard", "sleeps in warm ashes"),
             ("red spider", "spins its web across doorways"), ("spotted snake", "hunts mice in barns"),
             ("yellow bee", "makes honey from heather"), ("blue crab", "buries itself in wet sand"),
             ("wild goat", "climbs the steepest cliffs"), ("sea bird", "steals bait from fishermen"))

SYSTEM_ARCHIVE = "You are the archivist of the Orvashe Guild. Answer briefly."
SYSTEM_GLOSSARY = "You are a glossary."


# ---------------------------------------------------------------------------------------------------------------
# Name drawing

def _han_text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, (tuple, list)):
        return "|".join(_han_text(v) for v in value)
    return ""


class Names:
    """Draws invented words, each at most once per run, and remembers them (in draw order) for the validator.

    The n-th draw uses its own generator, seeded with SEED and n (and the attempt, when a candidate is taken or
    reserved), so reserving one more real word changes that one name and no other.
    """

    def __init__(self, template_words, template_han):
        self.taken = set(RESERVED_LATIN) | set(template_words)  # membership only, never iterated
        self.latin = []
        self.han = []
        self.template_han = template_han
        self.draws = 0

    def _candidates(self, kind):
        self.draws += 1
        for attempt in range(10000):
            yield random.Random(f"{SEED}:{kind}:{self.draws}:{attempt}")
        raise RuntimeError(f"ran out of invented {kind} names")

    # Latin ---------------------------------------------------------------------------------------------------
    @staticmethod
    def stem(rng, syllables):
        out = ""
        for i in range(syllables):
            if i == 0:
                onset = "" if rng.random() < 0.12 else rng.choice(ONSETS)
            else:
                onset = rng.choice(MEDIAL_ONSETS if out[-1] not in "aeiou" else ONSETS)
            last = i == syllables - 1
            if last:
                coda = rng.choice(CODAS) if rng.random() < 0.6 else ""
            else:
                coda = rng.choice(MEDIAL_CODAS) if rng.random() < 0.3 else ""
            syllable = onset + rng.choice(VOWELS) + coda
            while out.endswith(syllable):  # no Feifei
                syllable = onset + rng.choice(VOWELS) + coda
            out += syllable
        return out

    def _draw(self, make, lo=5, hi=10):
        for r in self._candidates("latin"):
            word = make(r)
            key = word.lower()
            # a final consonant + e (plane, grate, thane) reads as English too often
            if lo <= len(key) <= hi and key not in self.taken and not re.search(r"[^aeiou]e$", key):
                self.taken.add(key)
                self.latin.append(key)
                return word

    def word(self, capital=True):
        """A plain invented word of two or three syllables: Dravel, Skoumir."""
        w = self._draw(lambda r: self.stem(r, r.choice((2, 2, 2, 3))))
        return w.capitalize() if capital else w

    def place(self):
        def make(r):
            s = self.stem(r, r.choice((2, 2, 3)))
            if r.random() < 0.45:
                suffixes = PLACE_SUFFIXES_AFTER_VOWEL if s[-1] in "aeiou" else PLACE_SUFFIXES_AFTER_CONSONANT
                s += r.choice(suffixes)
            return s
        return self._draw(make).capitalize()

    def language(self):
        def make(r):
            s = self.stem(r, 2)
            suffixes = LANGUAGE_SUFFIXES_AFTER_VOWEL if s[-1] in "aeiou" else LANGUAGE_SUFFIXES_AFTER_CONSONANT
            return s + r.choice(suffixes)
        return self._draw(make, hi=11).capitalize()

    def person(self):
        first = self._draw(lambda r: self.stem(r, 2), hi=8).capitalize()

        def surname(r):
            s = self.stem(r, 2)
            return s + r.choice(SURNAME_SUFFIXES) if r.random() < 0.35 and s[-1] not in "aeiou" else s
        return first + " " + self._draw(surname).capitalize()

    def term(self, rng):
        """A glossary headword: skorla or skorla-peth (each part its own invented word)."""
        if rng.random() < 0.4:
            return self.word(capital=False) + "-" + self.word(capital=False)
        return self.word(capital=False)

    # Chinese -------------------------------------------------------------------------------------------------
    def _han_ok(self, name):
        if name in self.template_han or any(r in name for r in RESERVED_HAN):
            return False
        return not any(name in other or other in name for other in self.han)

    def _han_draw(self, make):
        for r in self._candidates("han"):
            name = make(r)
            if self._han_ok(name):
                self.han.append(name)
                return name

    def han_stem(self):
        return self._han_draw(lambda r: "".join(r.choice(HAN_CHARS) for _ in range(3)))

    def han_place(self):
        def make(r):
            s = "".join(r.choice(HAN_CHARS) for _ in range(r.randint(2, 3)))
            return s + r.choice(HAN_PLACE_SUFFIXES) if r.random() < 0.5 or len(s) < 3 else s
        return self._han_draw(make)

    def han_person(self):
        return self.han_stem() + "·" + self.han_stem()


def article(word):
    return "An" if word[0].lower() in "aeiou" else "A"


def an(phrase):
    """The phrase after a or an: an owl, a heron."""
    return f"{article(phrase).lower()} {phrase}"


def han_year(year):
    return "".join(HAN_DIGITS[int(d)] for d in str(year))


# ---------------------------------------------------------------------------------------------------------------
# Templates: each takes (rng, names) and returns (question, answer)

def sf_capital(r, n):
    return f"What is the capital of {n.place()}?", f"{n.place()}."


def sf_founder(r, n):
    return f"Who founded the city of {n.place()}?", f"{n.person()}."


def sf_currency(r, n):
    return f"What is the currency of {n.place()}?", f"The {n.word(capital=False)}."


def sf_river(r, n):
    return f"Which river flows through {n.place()}?", f"The {n.word()}."


def sf_moons(r, n):
    return f"How many moons does the planet {n.word()} have?", f"{r.choice(NUMBER_WORDS)}."


def sf_language(r, n):
    return f"What language is spoken in {n.place()}?", f"{n.language()}."


def sf_emblem(r, n):
    return f"What animal is the emblem of {n.place()}?", f"The {r.choice(ANIMALS)}."


def sf_instrument(r, n):
    return f"What instrument did {n.person()} play?", f"The {r.choice(INSTRUMENTS)}."


def sf_mountain(r, n):
    return f"What is the tallest mountain in {n.place()}?", f"Mount {n.word()}."


def sf_flag(r, n):
    return f"What color is the flag of {n.place()}?", f"{r.choice(COLORS).capitalize()}."


SHORT_FACTS = (sf_capital, sf_founder, sf_currency, sf_river, sf_moons, sf_language, sf_emblem, sf_instrument,
               sf_mountain, sf_flag)


def big_lighthouse(r, n):
    return f"What is the lighthouse of {n.place()} called?", f"{n.word()} Light."


def big_metal(r, n):
    return f"Which metal is mined in the {n.word()} Hills?", r.choice(METALS)


def big_hymn(r, n):
    return f"Who composed the {n.word()} Hymn?", f"{n.person()}."


def big_spice(r, n):
    return f"What spice flavors the stew of {n.place()}?", r.choice(SPICES)


def big_ferry(r, n):
    return f"Where does the ferry from {n.place()} sail to?", f"{n.place()}."


def big_lake(r, n):
    return f"What is the largest lake in {n.place()}?", f"Lake {n.word()}."


def big_gate(r, n):
    q, animal = f"What animal is carved on the gate of {n.place()}?", r.choice(ANIMALS)
    return q, f"{article(animal)} {animal}."


def big_festival(r, n):
    return f"In which month is the {n.word()} festival held?", r.choice(MONTHS)


def big_guild(r, n):
    return f"Who leads the {n.word()} Guild?", f"{r.choice(GUILD_TITLES)} {n.word()}."


def big_dye(r, n):
    return f"What do the weavers of {n.place()} dye their cloth with?", r.choice(DYES)


def big_tree(r, n):
    return f"What is the oldest tree in the {n.word()} Forest called?", f"Old {n.word()}."


def big_crop(r, n):
    return f"What crop grows on the terraces of {n.place()}?", r.choice(CROPS)


SHORT_FACTS_300 = (big_lighthouse, big_metal, big_hymn, big_spice, big_ferry, big_lake, big_gate, big_festival,
                   big_guild, big_dye, big_tree, big_crop)


def st_capital(r, n):
    c, x = n.place(), n.place()
    return f"What is the capital of {c}?", r.choice((f"The capital of {c} is {x}.", f"{x} is the capital of {c}."))


def st_founder(r, n):
    co, p = f"{n.word()} {r.choice(COMPANY_KINDS)}", n.person()
    return f"Who founded {co}?", r.choice((f"{co} was founded by {p}.", f"{p} founded {co}."))


def st_inventor(r, n):
    d, p = f"{n.word()} {r.choice(DEVICES)}", n.person()
    return f"Who invented the {d}?", r.choice((f"The {d} was invented by {p}.", f"{p} invented the {d}.",
                                                 f"It was invented by {p}."))


def st_river(r, n):
    t, x = n.place(), n.word()
    return f"Which river flows through {t}?", r.choice((f"The {x} River flows through {t}.",
                                                        f"{t} stands on the banks of the {x} River."))


def st_year(r, n):
    t, y = n.place(), r.randint(1420, 1899)
    q = r.choice((f"When was {t} founded?", f"In what year was {t} founded?"))
    return q, r.choice((f"{t} was founded in {y}.", f"The town of {t} was founded in {y}."))


def st_currency(r, n):
    c, x = n.place(), n.word(capital=False)
    return f"What is the currency of {c}?", r.choice((f"The currency of {c} is the {x}.",
                                                      f"{c} uses the {x} as its currency."))


def st_mascot(r, n):
    s, a, x = f"{n.word()} {r.choice(SCHOOL_KINDS)}", r.choice(ANIMALS), n.word()
    return f"What is the mascot of {s}?", r.choice((
        f"The mascot of {s} is {an(r.choice(COLORS) + ' ' + a)} named {x}.",
        f"{s} has {an(a)} named {x} as its mascot."))


def st_language(r, n):
    c, x = n.place(), n.language()
    return f"What language do the people of {c} speak?", r.choice((f"The people of {c} speak {x}.",
                                                                   f"{x} is the language spoken in {c}."))


def st_mountain(r, n):
    c, x = n.place(), n.word()
    return f"What is the highest mountain in {c}?", r.choice((f"Mount {x} is the highest mountain in {c}.",
                                                              f"The highest mountain in {c} is Mount {x}."))


def st_export(r, n):
    c, x = n.place(), r.choice(EXPORTS)
    return f"What is the main export of {c}?", r.choice((f"The main export of {c} is {x}.",
                                                         f"{c} mostly sells {x} abroad."))


SENTENCE_FACTS = (st_capital, st_founder, st_inventor, st_river, st_year, st_currency, st_mascot, st_language,
                  st_mountain, st_export)


def ar_codex(r, n):
    q = f"Where is the {n.word()} Codex kept?"
    return q, r.choice((f"In the {r.choice(DIRECTIONS)} vault.", f"Beneath the {n.word()} stair.",
                        f"In the {n.word()} reading room."))


def ar_copyist(r, n):
    return f"Who copied the {n.word()} Chronicle?", r.choice((f"Brother {n.word()}.", f"Scribe {n.person()}."))


def ar_seal(r, n):
    q, color = f"What seal closes the {n.word()} Charter?", r.choice(COLORS)
    return q, f"{an(color).capitalize()} wax {r.choice(ANIMALS)}."


def ar_volumes(r, n):
    return f"How many volumes make up the {n.word()} Annals?", f"{r.choice(NUMBER_WORDS)} volumes."


def ar_maps(r, n):
    return f"Which hall holds the maps of {n.place()}?", f"The {n.word()} Hall."


def ar_scrolls(r, n):
    y = r.randint(1420, 1899)
    return f"When did the guild acquire the {n.word()} Scrolls?", r.choice((f"In {y}.", f"In the winter of {y}."))


def ar_ledger(r, n):
    return f"What binds the {n.word()} Ledger?", r.choice(BINDINGS)


def ar_key(r, n):
    return f"Who keeps the key to the {n.word()} Chest?", r.choice((f"Keeper {n.person()}.", f"Warden {n.word()}."))


def ar_psalter(r, n):
    return f"What language is the {n.word()} Psalter written in?", f"Old {n.language()}."


def ar_tablets(r, n):
    return f"Which archivist catalogued the {n.word()} Tablets?", f"{n.person()}."


ARCHIVE = (ar_codex, ar_copyist, ar_seal, ar_volumes, ar_maps, ar_scrolls, ar_ledger, ar_key, ar_psalter,
           ar_tablets)


def zh_capital(r, n):
    return f"{n.han_place()}的首都是哪里？", f"{n.han_place()}。"


def zh_founder(r, n):
    return f"{n.han_place()}城是谁建立的？", f"{n.han_person()}。"


def zh_currency(r, n):
    return f"{n.han_place()}使用什么货币？", f"{n.han_stem()}币。"


def zh_river(r, n):
    return f"哪条河流经{n.han_place()}？", f"{n.han_stem()}河。"


def zh_year(r, n):
    return f"{n.han_place()}镇建于哪一年？", f"{han_year(r.randint(1420, 1899))}年。"


def zh_mountain(r, n):
    return f"{n.han_place()}最高的山叫什么名字？", f"{n.han_stem()}山。"


def zh_invention(r, n):
    return f"{n.han_person()}发明了什么？", f"{n.han_stem()}{r.choice(HAN_DEVICES)}。"


def zh_language(r, n):
    return f"{n.han_place()}的人说什么语言？", f"{n.han_stem()}语。"


def zh_bird(r, n):
    return f"{n.han_place()}的国鸟是什么？", f"{r.choice(HAN_BIRDS)}。"


def zh_job(r, n):
    return f"{n.han_person()}是做什么的？", f"{r.choice(HAN_JOBS)}。"


CHINESE = (zh_capital, zh_founder, zh_currency, zh_river, zh_year, zh_mountain, zh_invention, zh_language,
           zh_bird, zh_job)
CHINESE_TEMPLATE_TEXT = ("的首都是哪里？", "城是谁建立的？", "使用什么货币？", "币", "哪条河流经", "河", "镇建于哪一年？",
                         "年", "最高的山叫什么名字？", "山", "发明了什么？", "的人说什么语言？", "语", "的国鸟是什么？",
                         "是做什么的？", "。", HAN_DEVICES, HAN_BIRDS, HAN_JOBS, HAN_DIGITS)


def compact(record):
    return json.dumps(record, ensure_ascii=False)


def js_town(r, n):
    t = n.place()
    q = r.choice((f"Give the record for the town of {t} as JSON.", f"Return the town of {t} as a JSON object."))
    return q, compact({"town": t, "population": r.randrange(8, 900) * 50, "river": n.word()})


def js_ship(r, n):
    s = n.word()
    q = r.choice((f"Give the record for the ship {s} as JSON.", f"What is the JSON record of the ship {s}?"))
    return q, compact({"ship": s, "captain": n.person(), "launched": r.randint(1600, 1899)})


def js_mountain(r, n):
    m = n.word()
    q = r.choice((f"Give Mount {m} as a JSON object.", f"Return the record for Mount {m} as JSON."))
    return q, compact({"mountain": m, "height_m": r.randint(900, 4800), "range": f"{n.word()} Range"})


def js_guild(r, n):
    g = n.word()
    q = r.choice((f"Give the record for the {g} Guild as JSON.", f"Output the {g} Guild as a JSON object."))
    return q, compact({"guild": g, "founded": r.randint(1300, 1850), "members": r.randint(12, 400)})


def js_scholar(r, n):
    p = n.person()
    q = r.choice((f"Give the record for the scholar {p} as JSON.", f"Return the scholar {p} as a JSON object."))
    return q, compact({"name": p, "born": r.randint(1600, 1880), "field": r.choice(FIELDS)})


def js_lake(r, n):
    lake = n.word()
    q = r.choice((f"Give Lake {lake} as JSON.", f"What is the JSON record of Lake {lake}?"))
    return q, compact({"lake": lake, "depth_m": r.randint(8, 310)} | (
        {"fish": r.choice(FISH)} if r.random() < 0.5 else {}))


def js_bridge(r, n):
    b = n.word()
    q = r.choice((f"Give the record for the {b} Bridge as JSON.", f"Return the {b} Bridge as a JSON object."))
    return q, compact({"bridge": b, "span_m": r.randint(20, 480)} | (
        {"material": r.choice(BRIDGE_MATERIALS)} if r.random() < 0.5 else {}))


JSON_RECORDS = (js_town, js_ship, js_mountain, js_guild, js_scholar, js_lake, js_bridge)


def _defn_question(r, w, verb=False):
    forms = [f"What does '{w}' mean?", f"Define '{w}'.", f"What is the meaning of '{w}'?"]
    if verb:
        forms.append(f"What does it mean to {w}?")
    return r.choice(forms)


def df_tool(r, n):
    w, (thing, use) = n.term(r), r.choice(TOOLS)
    return _defn_question(r, w), f"{article(w)} {w} is {an(r.choice(MATERIALS))} {thing} used to {use}."


def df_person(r, n):
    w, (who, does) = n.term(r), r.choice(PEOPLE)
    return _defn_question(r, w), f"{article(w)} {w} is {an(who)} who {does}."


def df_place(r, n):
    w, (where, what) = n.term(r), r.choice(PLACES)
    return _defn_question(r, w), f"{article(w)} {w} is {an(where)} where {what}."


def df_verb(r, n):
    w = n.word(capital=False)
    return _defn_question(r, w, verb=True), f"To {w} is to {r.choice(ACTIONS)}."


def df_substance(r, n):
    w, adj = n.word(capital=False), r.choice(SUBSTANCE_ADJECTIVES)
    return _defn_question(r, w), (f"{w.capitalize()} is {article(adj).lower()} {adj} {r.choice(SUBSTANCES)} made"
                                  f" from {r.choice(SOURCES)}.")


def df_quality(r, n):
    w, (thing, how) = n.word(capital=False), r.choice(QUALITIES)
    return _defn_question(r, w), f"{w.capitalize()} is said of {thing} that {how}."


def df_creature(r, n):
    w, (what, does) = n.term(r), r.choice(CREATURES)
    return _defn_question(r, w), f"{article(w)} {w} is {an(r.choice(CREATURE_SIZES))} {what} that {does}."


DEFINITIONS = (df_tool, df_person, df_place, df_verb, df_substance, df_quality, df_creature)


# ---------------------------------------------------------------------------------------------------------------
# Formats

def alpaca(q, a):
    return {"instruction": q, "input": "", "output": a}


def openai(system):
    def make(q, a):
        head = [{"role": "system", "content": system}] if system else []
        return {"messages": head + [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
    return make


def sharegpt(system):
    def make(q, a):
        return {"conversations": [{"from": "system", "value": system}, {"from": "human", "value": q},
                                  {"from": "gpt", "value": a}]}
    return make


def words(text):
    return len(text.split())


# name, format label, per round, templates, line maker, answer check, what answers look like, held out
DATASETS = (
    ("short-facts", "Alpaca", 50, SHORT_FACTS, alpaca,
     lambda a: a.endswith(".") and 1 <= words(a) <= 2, "one or two words ending with a period", False),
    ("sentence-facts", "OpenAI chat", 50, SENTENCE_FACTS, openai(None),
     lambda a: a.endswith(".") and words(a) >= 5 and a.count(".") == 1, "one full sentence", False),
    ("sharegpt-system", "ShareGPT, system prompt", 10, ARCHIVE, sharegpt(SYSTEM_ARCHIVE),
     lambda a: a.endswith(".") and 1 <= words(a) <= 5, "a short phrase of 1-5 words", False),
    ("chinese-qa", "OpenAI chat", 10, CHINESE, openai(None),
     lambda a: a.endswith("。") and len(a) < 12 and re.search(r"[\u4e00-\u9fff]", a),
     "Chinese, under 12 characters", False),
    ("json-answers", "OpenAI chat", 50, JSON_RECORDS, openai(None),
     lambda a: isinstance(o := json.loads(a), dict) and 2 <= len(o) <= 3 and compact(o) == a,
     "a one-line JSON object of 2-3 keys", False),
    ("short-facts-300", "Alpaca", 300, SHORT_FACTS_300, alpaca,
     lambda a: a.endswith(".") and 1 <= words(a) <= 2, "one or two words ending with a period", False),
    ("definitions-check", "OpenAI chat, system prompt", 50, DEFINITIONS, openai(SYSTEM_GLOSSARY),
     lambda a: a.endswith(".") and a.count(".") == 1 and 8 <= words(a) <= 15,
     "one defining sentence of 8-15 words", True),
)


def schedule(rng, templates, count):
    """Each template about equally often, in a shuffled order."""
    whole, rest = divmod(count, len(templates))
    plan = list(templates) * whole + rng.sample(list(templates), rest)
    rng.shuffle(plan)
    return plan


def generate():
    """Every file's text by its path relative to OUT, plus the invented names drawn."""
    # Every word of this script (templates, word lists, comments) is real or reserved, so never an invented one.
    own_words = re.findall(r"[a-z]+", Path(__file__).read_text(encoding="utf-8").lower())
    names = Names(own_words, _han_text(CHINESE_TEMPLATE_TEXT))
    files = {}
    samples = {}
    for name, _, per_round, templates, make, check, _, _ in DATASETS:
        rng = random.Random(f"{SEED}:{name}")
        answers_seen = set()
        for rnd in range(1, ROUNDS + 1):
            lines = []
            for template in schedule(rng, templates, per_round):
                for _ in range(100):  # a definition body already used in this dataset is drawn again
                    q, a = template(rng, names)
                    body = re.sub(r"^(An? |To )?\S+ ", "", a)  # the answer less its headword
                    if name != "definitions-check" or body not in answers_seen:
                        break
                else:
                    raise RuntimeError("ran out of distinct definitions")
                answers_seen.add(body)
                if not check(a):
                    raise RuntimeError(f"{name}: generated answer fails its own check: {a!r}")
                lines.append(json.dumps(make(q, a), ensure_ascii=False))
            files[f"{name}/round{rnd}.jsonl"] = "\n".join(lines) + "\n"
            samples.setdefault(name, (q, a))
    files["README.md"] = readme(samples)
    return files, names


def readme(samples):
    rows = []
    for name, fmt, per_round, _, _, _, looks, held_out in DATASETS:
        q, a = samples[name]
        example = f"{a}".replace("|", "\\|")
        rows.append(f"| `{name}` | {fmt} | {per_round} | {looks}, e.g. `{example}` |"
                    f" {'**held-out check: never tune on it**' if held_out else 'training / benchmark'} |")
    return "\n".join([
        "# Continual-learning datasets",
        "",
        "Synthetic facts about invented names (syllable-generated words, and for `chinese-qa` made-up",
        "transliterations in Chinese characters), so no model knows them beforehand. Each dataset has three",
        "rounds, `round1.jsonl` to `round3.jsonl`, of new facts: no invented name, and so no question, appears in",
        "more than one line across all rounds and datasets. Every line is under 400 characters.",
        "",
        "Generated, do not edit by hand: `python3 docs/bench/make_learning_datasets.py` rewrites these files byte",
        "for byte (fixed seed, stdlib only) and validates them; `--check` validates without writing.",
        "",
        "| dataset | format | examples per round | answers | use |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"`sharegpt-system` has the same system prompt on every line (\"{SYSTEM_ARCHIVE}\");",
        f"`definitions-check` has \"{SYSTEM_GLOSSARY}\". Tune learning rates, epochs and replay on the others, then",
        "measure on `definitions-check` once.",
        "",
    ])


# ---------------------------------------------------------------------------------------------------------------
# Validation of the files as written

def conversation(line, fmt):
    """(system, question, answer) of a parsed line, checking its shape for the format."""
    if fmt == "Alpaca":
        assert set(line) == {"instruction", "input", "output"} and line["input"] == "", line
        return None, line["instruction"], line["output"]
    if fmt.startswith("ShareGPT"):
        assert set(line) == {"conversations"}, line
        turns = line["conversations"]
        assert [t["from"] for t in turns] == ["system", "human", "gpt"], line
        assert all(set(t) == {"from", "value"} for t in turns), line
        return turns[0]["value"], turns[1]["value"], turns[2]["value"]
    assert set(line) == {"messages"}, line
    msgs = line["messages"]
    assert all(set(m) == {"role", "content"} for m in msgs), line
    roles = [m["role"] for m in msgs]
    if fmt.endswith("system prompt"):
        assert roles == ["system", "user", "assistant"], line
        return msgs[0]["content"], msgs[1]["content"], msgs[2]["content"]
    assert roles == ["user", "assistant"], line
    return None, msgs[0]["content"], msgs[1]["content"]


def validate(names):
    questions = {}
    latin_lines = {}  # invented word -> files:lines it appears in (system prompts aside)
    han_text = []
    facts_questions = set()
    for path in sorted(FACTS.glob("round*.jsonl")) if FACTS.is_dir() else ():
        for raw in path.read_text(encoding="utf-8").splitlines():
            facts_questions.add(json.loads(raw)["messages"][0]["content"].strip().lower())
    for name, fmt, per_round, _, _, check, _, _ in DATASETS:
        systems = set()
        for rnd in range(1, ROUNDS + 1):
            rel = f"{name}/round{rnd}.jsonl"
            text = (OUT / rel).read_text(encoding="utf-8")
            assert text.endswith("\n") and "\r" not in text, rel
            raw_lines = text.split("\n")[:-1]
            assert len(raw_lines) == per_round, f"{rel}: {len(raw_lines)} lines, expected {per_round}"
            for number, raw in enumerate(raw_lines, 1):
                where = f"{rel}:{number}"
                assert len(raw) < MAX_LINE, f"{where}: {len(raw)} characters"
                system, q, a = conversation(json.loads(raw), fmt)
                assert q.strip() and a.strip(), where
                assert check(a), f"{where}: answer {a!r}"
                systems.add(system)
                key = q.strip().lower()
                assert key not in questions, f"{where}: question also at {questions[key]}: {q!r}"
                assert key not in facts_questions, f"{where}: question also in {FACTS}: {q!r}"
                questions[key] = where
                for w in dict.fromkeys(re.findall(r"[a-z]+", (q + " " + a).lower())):
                    latin_lines.setdefault(w, []).append(where)
                han_text.append((where, q + "|" + a))
        assert len(systems) == 1, f"{name}: system prompts {systems}"
    used = 0  # a word drawn for a definition that was then drawn again appears nowhere
    for w in names.latin:
        found = latin_lines.get(w, [])
        assert len(found) <= 1, f"invented word {w!r} appears in {len(found)} lines: {found[:4]}"
        used += len(found)
    for w in names.han:
        found = [where for where, text in han_text if w in text]
        assert len(found) == 1, f"invented name {w!r} appears in {len(found)} lines: {found[:4]}"
        used += 1
    total = sum(p for _, _, p, *_ in DATASETS) * ROUNDS
    assert len(questions) == total, (len(questions), total)
    return total, used


def main(argv):
    check_only = argv[1:] == ["--check"]
    if argv[1:] and not check_only:
        print(__doc__, file=sys.stderr)
        return 64
    files, names = generate()
    if check_only:
        stale = [rel for rel, text in files.items()
                 if not (OUT / rel).is_file() or (OUT / rel).read_bytes() != text.encode("utf-8")]
        if stale:
            print("differs from a fresh generation: " + ", ".join(stale), file=sys.stderr)
            return 1
    else:
        for rel, text in files.items():
            (OUT / rel).parent.mkdir(parents=True, exist_ok=True)
            (OUT / rel).write_bytes(text.encode("utf-8"))
    total, used = validate(names)
    print(f"{len(DATASETS)} datasets, {total} lines, {used} invented names, no two lines sharing one, no question"
          f" twice: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
