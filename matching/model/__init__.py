"""Learning: outcome labels, training, the model registry, scoring, explanations, metrics, fairness and sanity checks."""
