"""Community commons (C4): rooms and spaces for many uses, and neighbourhood mutual aid."""
