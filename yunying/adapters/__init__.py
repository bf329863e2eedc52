"""Clients for platform APIs: plain Python on urllib, no Django, each tested against a fake server.

Apps wrap them (publishers, metric importers); the adapters themselves know nothing of our models.
"""
