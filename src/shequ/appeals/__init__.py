"""Appeals and incidents (C3): one number, smart dispatch, deadlines, ratings, Open311."""
