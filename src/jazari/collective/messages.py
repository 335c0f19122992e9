"""What a reporter reads once their report is in, in their language (the seed page's widget says
the same: "this image will be blocked automatically after several people report it")."""

from __future__ import annotations

REPORTED = {
    "en": {
        "dataset": "Thank you. This dataset will be blocked automatically after several people report it; "
                   "a moderator will then decide.",
        "description": "Thank you. This description will be blocked automatically after several people report it; "
                       "a moderator will then decide.",
        "item": "Thank you. This item will be blocked automatically after several people report it; "
                "a moderator will then decide.",
        "image": "Thank you. This image will be blocked automatically after several people report it; "
                 "a moderator will then decide.",
        "comment": "Thank you. This comment will be blocked automatically after several people report it; "
                   "a moderator will then decide.",
    },
    "fr": {
        "dataset": "Merci. Ce jeu de données sera bloqué automatiquement après le signalement de plusieurs "
                   "personnes ; un modérateur décidera ensuite.",
        "description": "Merci. Cette description sera bloquée automatiquement après le signalement de plusieurs "
                       "personnes ; un modérateur décidera ensuite.",
        "item": "Merci. Cet élément sera bloqué automatiquement après le signalement de plusieurs personnes ; "
                "un modérateur décidera ensuite.",
        "image": "Merci. Cette image sera bloquée automatiquement après le signalement de plusieurs personnes ; "
                 "un modérateur décidera ensuite.",
        "comment": "Merci. Ce commentaire sera bloqué automatiquement après le signalement de plusieurs "
                   "personnes ; un modérateur décidera ensuite.",
    },
    "ar": {
        "dataset": "شكرًا. ستُحجب مجموعة البيانات هذه تلقائيًا بعد أن يبلّغ عنها عدة أشخاص، ثم يقرّر مشرف بشأنها.",
        "description": "شكرًا. سيُحجب هذا الوصف تلقائيًا بعد أن يبلّغ عنه عدة أشخاص، ثم يقرّر مشرف بشأنه.",
        "item": "شكرًا. سيُحجب هذا العنصر تلقائيًا بعد أن يبلّغ عنه عدة أشخاص، ثم يقرّر مشرف بشأنه.",
        "image": "شكرًا. ستُحجب هذه الصورة تلقائيًا بعد أن يبلّغ عنها عدة أشخاص، ثم يقرّر مشرف بشأنها.",
        "comment": "شكرًا. سيُحجب هذا التعليق تلقائيًا بعد أن يبلّغ عنه عدة أشخاص، ثم يقرّر مشرف بشأنه.",
    },
}


def reported_message(kind: str, locale: str) -> str:
    """The message for a report of `kind`, in `locale` (French when it is not fr, ar or en)."""
    return REPORTED.get(locale, REPORTED["fr"])[kind]
