"""The dispatch classifier: jieba + scikit-learn, trained on the shipped seed and on dispatches.

``text`` (normalisation, jieba), ``data`` (shipped files), ``training`` (fit, score, evaluate)
need no database; ``runtime`` (the active version, per process) does.
"""
