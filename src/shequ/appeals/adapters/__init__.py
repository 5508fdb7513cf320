"""Adapters to platforms outside: the city's 12345 hotline platform."""
