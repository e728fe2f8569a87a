"""Team work in the window: Project ▸ Team (hand out, merge, agreement) and, next, the curation view."""
from gui.curation.team_menu import install_team_menu

__all__ = ["install_team_menu"]
