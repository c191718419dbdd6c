"""Admin commands (DESIGN §4): parsed from admin@ mail or the CLI, checked against the sender's scope, run line by line."""
