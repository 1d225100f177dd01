"""The DigComp 2.2 digital competence framework: its five areas and 21 competences as snippets."""
