"""The App: its class and factory, key actions, the per-frame drain, commands and CSS."""
