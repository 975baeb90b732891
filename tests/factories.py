"""Practices in any workflow state, made through the services (so they obey the rules)."""

from __future__ import annotations

from kmportal.practices import service
from kmportal.practices.enums import Criterion

GOOD_SCORES = {criterion.value: 3 for criterion in Criterion}


def practice_values(**overrides) -> dict:
    values = {
        "country_code": "BR",
        "title": "Programa de Erradicação do Trabalho Infantil nas escolas",
        "summary": "Transferência de renda condicionada à frequência escolar.",
        "description": "Famílias recebem apoio quando as crianças frequentam a escola.",
        "institution": "Ministério do Desenvolvimento Social",
        "theme": "peti",
        "population": "Crianças de 7 a 15 anos",
        "period_start": 2010,
        "period_end": 2014,
        "results": "Redução de 30% do trabalho infantil nos municípios atendidos.",
        "replication": "Cadastro único de famílias e rede de assistência social.",
        "cost_notes": "USD 40 por família e mês.",
        "contact": "peti@example.org",
        "language": "pt",
        "languages": ["pt", "es"],
        "sectors": ["agriculture"],
        "outcomes": ["prevention", "withdrawal"],
        "actors": ["government", "workers"],
        "tags": "escola, renda",
        "sdg_87": True,
        "activity_ids": [],
        "arguments": {c.value: f"Argumento sobre {c.value}." for c in Criterion},
    }
    values.update(overrides)
    return values


class PracticeFactory:
    def __init__(self, secretariat):
        self.secretariat = secretariat

    def make(self, author, state: str = "draft", **overrides):
        """A practice by `author` moved to `state` (draft, submitted, returned, published,
        archived)."""
        practice = service.create_practice(
            author,
            practice_values(
                country_code=getattr(author, "country_code", None) or "BR", **overrides
            ),
        )
        if state == "draft":
            return practice
        service.submit(author, practice)
        if state == "returned":
            service.return_to_author(self.secretariat, practice, "Falta evidencia.")
        elif state in ("published", "archived"):
            service.publish(self.secretariat, practice, GOOD_SCORES)
            if state == "archived":
                service.archive(self.secretariat, practice)
        return practice
