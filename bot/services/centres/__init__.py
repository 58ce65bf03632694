"""Community centres, their districts and teams: who runs which centre, invites."""
