"""The labelled listing corpus and the script that derives it from hand-written seeds."""
