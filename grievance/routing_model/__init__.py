"""The learned text router (issue 9): suggests the matter (leaf of the tree) and, through its rule,
the unit for a citizen's text; trained on the shared messages and every dispatcher's decision.

Modules: ``features`` (jieba words and character n-grams, hashed), ``lexicon`` / ``weak`` (the tree's
words and weak labels), ``train`` (fit and cross-validation), ``model`` (the artefact: probabilities
and "why"), ``store`` (artefacts on disk, the active model per process), ``evaluate`` (figures),
``gazetteer`` (place names → community / street), ``corpus`` (files), ``selectors`` / ``services``
(database reads and writes).
"""
