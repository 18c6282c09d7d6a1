"""Safety analyzers: pure functions from text to findings. No database, no network, no logging of text.

Each analyzer module exposes one entry point returning a frozen dataclass:
- crisis.assess_crisis(text) -> CrisisAssessment
- toxicity.assess_toxicity(text, *, context) -> ToxicityAssessment
- personal_details.find_personal_details(text) -> PersonalDetails
- misinformation.find_misinformation(text) -> tuple[MisinformationFinding, ...]
The pipeline (hearth.safety.pipeline) runs them all and the policy turns the result into a decision.
"""
