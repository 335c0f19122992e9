"""The words around names: cues that announce a name, particles inside names, words that are not names."""

from __future__ import annotations

import re
from functools import lru_cache

WEAK, STRONG, ABBREVIATION, SELF = 1, 2, 3, 4

# cue -> strength: weak cues (`dyal`, `bonjour`) raise unambiguous gazetteer names; self cues (`ana`,
# `je suis`) raise every gazetteer name, ambiguous ones too; strong cues (`Mme`, `السيد`, `smiti`) also
# take unknown capitalised (or Arabic) words; abbreviations are strong but need their capital.
CUES: dict[str, int] = {
    **dict.fromkeys((
        "je m'appelle", "je me nomme", "mon nom est", "mon prénom est", "m'appelle", "monsieur", "madame",
        "mademoiselle", "mme", "mlle", "melle", "docteur", "professeur", "maître", "nom", "prénom",
        "nom et prénom", "nom complet", "prénom et nom", "nommé", "nommée", "dénommé", "dénommée",
        "fils de", "fille de", "époux", "épouse", "veuve", "feu", "titulaire", "bénéficiaire", "l'élève",
        "l'étudiant", "l'étudiante", "cher", "chère", "my name is", "mrs", "ms", "miss", "full name",
        "first name", "last name", "surname", "dear", "named", "called", "السيد", "السيدة", "الآنسة",
        "الأستاذ", "الأستاذة", "الدكتور", "الدكتورة", "اسمي", "إسمي", "المسمى", "المسماة", "المدعو",
        "المدعوة", "الاسم", "الاسم الكامل", "الاسم العائلي", "الاسم الشخصي", "النسب", "الحاج", "الحاجة",
        "سميتي", "كنسمى", "تسمى", "يسمى", "الفقيد", "المرحوم", "المرحومة", "أرملة", "السيد(ة)", "smiti",
        "smitek", "smito", "smitha", "باسم", "الموقع أسفله", "الموقعة أسفله", "au nom de", "in the name of",
        "smiti hiya", "سميتي هي", "smit", "b smit", "في اسم", "اسم", "بإسم", "باسم السيد", "باسم السيدة",
        "smiyti", "ana smiti", "kansma", "kantsma", "smiya dyali", "lhaj", "lhaja", "l7aj", "l7aja",
        "المستفيد", "المستفيدة", "الموقع(ة)", "الموقعة", "الموقع أدناه", "الموقعة أدناه", "الموقع اسفله",
        "في ملكية", "في ملك", "المعني بالأمر", "المعنية بالأمر", "الأجير(ة)", "soussigné", "soussignée",
        "je soussigné", "je soussignée", "le soussigné", "la soussignée", "soussigné(e)", "le nommé",
        "la nommée", "payslip", "payslip for", "bulletin de paie", "fiche de paie", "bulletin de paie de",
        "employee name", "nom de l'employé", "nom du salarié", "nom de l'assuré", "l'assuré", "l'assurée",
        "assuré", "assurée", "beneficiary", "payee", "account holder", "titulaire du compte",
        "propriétaire", "owned by", "applicant", "the undersigned", "undersigned", "requérant", "requérante",
        "demandeur", "demandeuse", "الطالب(ة)", "السيد(ة)", "المشتكي", "المشتكية", "المدعي", "المدعية",
        "smiytha", "smiyto", "smitou", "smytha", "l'intéressé", "l'intéressée", "la patiente",
        "le patient", "al-sayed", "sayed", "sayida", "ssi",
    ), STRONG),
    **dict.fromkeys((
        "dyal", "dial", "m3a", "ديال", "الطالب", "الطالبة",
        "التلميذ", "التلميذة", "زوجة", "عزيزي", "عزيزتي",
        "bonjour", "merci", "salut", "salam", "hi", "hello", "ya", "يا", "si", "sidi", "lalla", "moulay",
        "khouya", "khoya", "khti", "sa7bi", "sa7bti", "3mmi", "khali", "contact", "client", "cliente",
        "patient", "patiente", "élève", "étudiant", "étudiante", "de la part de", "signé", "والد", "والدة",
        "أخي", "أختي", "صديقي", "مولاي", "سيدي", "للا", "شكرا", "خويا", "ختي", "صاحبي", "صاحبتي", "المسير",
        "الموظف", "الموظفة", "the teacher", "patient", "l'enseignant", "لفائدة", "لصالح", "au profit de",
        "en faveur de", "au bénéfice de", "salarié", "salariée", "employé", "employée", "employee",
        "recipient", "holder", "signed", "signature", "التوقيع", "توقيع",
    ), WEAK),
    **dict.fromkeys(("m", "mr", "dr", "pr", "me"), ABBREVIATION),
    **dict.fromkeys((
        "ana", "je suis", "i am", "i'm", "أنا", "انا", "c'est", "this is", "khouya", "khoya", "khti", "sa7bi",
        "sa7bti", "خويا", "ختي", "صاحبي", "صاحبتي", "المسير", "الموظف", "الموظفة", "الأجير", "الأجيرة",
        "الطالب", "الطالبة", "التلميذ", "التلميذة", "the teacher", "le fonctionnaire", "la fonctionnaire",
        "l'employé", "l'employée", "issued to", "délivré à", "délivrée à",
    ), SELF),
}

PARTICLES = (
    "el", "al", "ben", "bel", "bou", "ait", "aït", "ou", "ould", "ibn", "bin", "bent", "bint", "abou", "abu",
    "lalla", "moulay", "sidi", "my", "بن", "بنت", "ابن", "آيت", "أيت", "ولد", "أبو", "بو", "مولاي", "سيدي",
    "للا",
)

# capitalised words that never start or extend a name
LATIN_STOP = frozenset(
    (
        "Le", "La", "Les", "L", "Un", "Une", "Des", "De", "Du", "Et", "Ou", "Mais", "Donc", "Car", "Ni",
        "Il", "Elle", "Ils", "Elles", "Je", "Tu", "Nous", "Vous", "On", "Ce", "Cet", "Cette", "Ces", "Mon",
        "Ma", "Mes", "Ton", "Ta", "Tes", "Son", "Sa", "Ses", "Leur", "Leurs", "Au", "Aux", "En", "Dans",
        "Par", "Pour", "Sur", "Sous", "Avec", "Sans", "Chez", "Vers", "Qui", "Que", "Quoi", "Dont", "Où",
        "Est", "Sont", "Était", "Avait", "A", "Y", "Rue", "Avenue", "Bd", "Boulevard", "Hay", "Derb",
        "Lot", "Lotissement", "Résidence", "Imm", "Appt", "Route", "Place", "Quartier", "Douar", "Cité",
        "The", "An", "And", "Or", "But", "In", "On", "At", "To", "Of", "For", "With", "From", "By", "Is",
        "Are", "Was", "Were", "Be", "I", "He", "She", "We", "They", "It", "This", "That", "These", "Those",
        "My", "Your", "His", "Her", "Our", "Their", "Mr", "Mrs", "Ms", "Dr", "M", "Mme", "Mlle",
        "Monsieur", "Madame", "Mademoiselle", "Sir", "Madam", "Janvier", "Février", "Mars", "Avril", "Mai",
        "Juin", "Juillet", "Août", "Septembre", "Octobre", "Novembre", "Décembre", "January", "February",
        "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche", "Monday", "Tuesday",
        "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Maroc", "Morocco", "Royaume", "Kingdom",
        "Tél", "Tel", "Téléphone", "Email", "Mail", "Adresse", "Address", "Né", "Née", "CIN", "CNSS",
        "RIB", "IBAN", "ICE", "Massar", "Passeport", "Passport", "Nom", "Prénom", "Name", "Date", "Merci",
        "Bonjour", "Salut", "Cordialement", "Oui", "Non", "Yes", "No", "Ok", "Hello", "Hi", "Dear", "Cher",
        "Chère", "Bien", "Très", "Tous", "Toutes", "Tout", "Toute", "Ici", "Là", "Aujourd", "Demain",
        "Hier", "Société", "Entreprise", "Ministère", "Direction", "Service", "Banque", "Université",
        "École", "Lycée", "Hôpital", "Clinique", "SARL", "SA", "Total", "Prix", "Facture", "Commande",
        "Client", "Article", "Page", "Section", "Chapitre", "Annexe", "Article", "Objet", "Réf", "Ref",
        "Note", "NB", "Casablanca", "Rabat", "Fès", "Marrakech", "Tanger", "Agadir", "Meknès", "Oujda",
        "Kénitra", "Tétouan", "Salé", "Safi",
    )
)

# Darija words written with Arabizi digits that follow names: `3aicha 3ndo di9a` (Aicha has asthma)
DARIJA_STOP = frozenset((
    "3ndo", "3ndha", "3ndi", "3la", "3lia", "m3a", "m3ak", "m3ah", "3lach", "7ta", "7it", "wa7ed", "wa7da",
    "9bel", "ba9i", "3ad", "sa3a", "7na", "7sen", "7ssen", "b7al", "s7ab", "s7abi", "l7al", "9al", "9alt",
    "9rib", "5ouya", "5ti", "5dma", "2ana", "3amr", "3iyet", "3ayet", "t3ayet", "kan3ref", "ma3ndich",
))
LATIN_STOP = LATIN_STOP | DARIJA_STOP

AR_STOP = frozenset(
    (
        "في", "من", "إلى", "الى", "على", "عن", "مع", "التي", "الذي", "هو", "هي", "كان", "كانت", "و", "أو",
        "او", "ثم", "لكن", "هذا", "هذه", "ذلك", "تلك", "قد", "لقد", "لا", "ما", "لم", "لن", "إن", "ان",
        "أن", "يا", "كل", "بعد", "قبل", "حتى", "عند", "عندما", "منذ", "مثل", "بين", "حيث", "انا", "أنا",
        "نحن", "هم", "المحترم", "المحترمة", "أمس", "امس", "اليوم", "غدا", "هنا", "هناك", "صباحا", "مساء",
        "قال", "قالت", "جاء", "جاءت", "ذهب", "ذهبت",
    )
)

_SKELETON_PAIRS = (("kh", "x"), ("5", "x"), ("gh", "g"), ("8", "g"), ("7", "h"), ("9", "q"), ("ch", "c"),
                   ("sh", "c"), ("dj", "j"), ("k", "q"))
_VOWELS = re.compile(r"[aeiouyàâäéèêëïîôöùûü23]")
_DOUBLES = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 14)  # the same words come back text after text
def arabizi_skeleton(word: str) -> str:
    """The consonant skeleton of a Latin or Arabizi spelling: `m7mmd` and `Mohammed` both give `mhmd`."""
    low = word.lower()
    for a, b in _SKELETON_PAIRS:
        low = low.replace(a, b)
    return _DOUBLES.sub(r"\1", _VOWELS.sub("", low))
