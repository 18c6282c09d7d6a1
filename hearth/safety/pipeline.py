"""Runs every analyzer over one text and gathers what they found into one assessment."""

from __future__ import annotations

from dataclasses import dataclass

from hearth.safety.analyzers.base import AnalysisContext
from hearth.safety.analyzers.crisis import CrisisAssessment, assess_crisis
from hearth.safety.analyzers.misinformation import MisinformationFinding, find_misinformation
from hearth.safety.analyzers.personal_details import PersonalDetails, find_personal_details
from hearth.safety.analyzers.toxicity import ToxicityAssessment, assess_toxicity


@dataclass(frozen=True)
class Assessment:
    crisis: CrisisAssessment
    toxicity: ToxicityAssessment
    personal: PersonalDetails
    misinformation: tuple[MisinformationFinding, ...]


def analyze(text: str, context: AnalysisContext | None = None) -> Assessment:
    context = context or AnalysisContext()
    return Assessment(
        crisis=assess_crisis(text),
        toxicity=assess_toxicity(text, context=context),
        personal=find_personal_details(text),
        misinformation=find_misinformation(text),
    )
