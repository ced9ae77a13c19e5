"""Request and response bodies of the API: camelCase JSON with Dutch field names.

One module per part of the API; every value with a fixed vocabulary uses the one type
that defines it (assess.framework.vocabulary, assess.access).
"""
