"""Training the extractor's decision models from the gold files, and measuring them honestly
(cross-validation by document). Nothing in the pipeline imports this package."""
