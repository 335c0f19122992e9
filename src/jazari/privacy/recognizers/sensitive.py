"""Sensitive data in the sense of law 09-08 (art. 1.3): health, religion, origin, politics, unions.

Flagged for a human to review, with a moderate score, from the word lists of
`data/sensitive_words.tsv` (fr, ar, en, Darija in both scripts). *Strong* words say something about
a person (`diabétique`, `syndiqué`, `ملحد`); *weak* ones are also ordinary words (`cancer`,
`tension`, `حزب`, `UMT`) and count only near a cue that the text speaks of a person. Lead-ins and
tails (`atteint de` cancer, `مسيحي` الديانة, `member of the` UMT union) belong to the phrase.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from jazari.privacy.findings import Entity
from jazari.privacy.recognizers.base import Recognizer

PERSONAL_CUES = (
    "il est", "elle est", "je suis", "atteint de", "atteinte de", "souffre de", "souffrant de", "malade",
    "patient", "patiente", "diagnostiqué", "diagnostiquée", "membre", "adhérent", "adhérente", "militant",
    "militante", "he is", "she is", "i am", "suffers from", "diagnosed with", "member of", "مريض",
    "مريضة", "مصاب", "مصابة", "يعاني من", "تعاني من", "عضو", "منخرط", "منخرطة", "هو", "هي", "أنا",
    "fih", "fiha", "3ndo", "3ndha", "mrid", "mrida", "ana", "rah", "raha", "son", "sa", "his", "her",
    "kaydir", "عندو", "عندها", "لديه", "لديها", "treated for", "suffering from", "traité pour",
    # people in records and messages: roles, kin, pronouns (fr, ar, Darija, en)
    "il a", "elle a", "j'ai", "il était", "elle était", "he has", "she has", "i have", "he was", "she was",
    "l'intéressé", "l'intéressée", "le salarié", "la salariée", "l'employé", "l'employée", "l'agent",
    "le candidat", "la candidate", "le demandeur", "la demandeuse", "l'élève", "l'étudiant", "l'étudiante",
    "mon père", "ma mère", "mon fils", "ma fille", "mon frère", "ma sœur", "mon mari", "ma femme",
    "son mari", "sa femme", "son fils", "sa fille", "son père", "sa mère", "lui", "elle", "mes", "ses",
    "my", "mine", "his wife", "her husband", "my father", "my mother", "my son", "my daughter",
    "employee", "applicant", "the patient", "hospitalisé", "hospitalisée", "dossier médical",
    "الأجير", "الأجيرة", "الموظف", "الموظفة", "المعني بالأمر", "المعنية بالأمر", "المريض", "المريضة",
    "ابني", "ابنتي", "بنتي", "ولدي", "أمي", "أبي", "زوجي", "زوجتي", "زوجها", "زوجته", "ابنه", "ابنته",
    "خويا", "ختي", "مراتو", "راجلها", "باه", "مو", "يتعالج", "تتعالج", "كيتعالج",
    "كتتعالج", "داير", "دايرة", "عندي", "هو", "هي", "ديالو", "ديالها", "3ndi", "bba", "mmi", "weldi",
    "benti", "mrato", "rajlha", "khouya", "khti", "howa", "hiya", "dyalo", "dyalha",
    "kayt3alej", "katt3alej", "rah", "raha", "salarié", "salariée", "employé", "employée",
    "ملف", "le dossier de", "dossier de", "the file of", "ملف السيد", "ملف السيدة",
)


@cache
def sensitive_words() -> dict[tuple[str, str], tuple[str, ...]]:
    """(entity, kind) -> words, kind one of strong, weak, lead, tail."""
    words: dict[tuple[str, str], list[str]] = {}
    data = resources.files("jazari.privacy.recognizers").joinpath("data", "sensitive_words.tsv")
    for line in data.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            entity, kind, word = line.split("\t")
            words.setdefault((entity, kind), []).append(word)
    return {key: tuple(value) for key, value in words.items()}


def _recognizers() -> tuple[Recognizer, ...]:
    words = sensitive_words()
    made = []
    for entity in (Entity.HEALTH, Entity.RELIGION, Entity.ORIGIN, Entity.POLITICAL, Entity.UNION):
        name = entity.value.lower()
        leads, tails = words.get((entity.value, "lead"), ()), words.get((entity.value, "tail"), ())
        for suffix, kind, score, boost in (("", "strong", 0.55, 0.2), ("_weak", "weak", 0.3, 0.3)):
            made.append(Recognizer(
                name=name + suffix, entity=entity, keywords=words[(entity.value, kind)], score=score,
                context=PERSONAL_CUES, context_boost=boost, lead_ins=leads, tails=tails, person_context=True,
            ))
    return tuple(made)


RECOGNIZERS = _recognizers()
