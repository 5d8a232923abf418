"""The window shell: the main window, its actions and menus, preferences and the theme."""
