"""What a person reads in a terminal: the run summary and the report of the last runs."""
