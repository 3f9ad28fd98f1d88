{"feature": "petal_length", "threshold": 2.5, "below": "Iris-setosa", "above": "Iris-versicolor"}
