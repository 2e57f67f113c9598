"""Measuring extraction against gold: `gold` reads gold files, `scoring` matches claims to gold
events by the reference scorer's rules, `report` scores sets and prints `headcount eval`.

Nothing is re-exported here: the extractor's training code imports `evaluate.gold`, and pulling
`report` (which imports the extractor) into this package's import would make that a cycle.
"""
