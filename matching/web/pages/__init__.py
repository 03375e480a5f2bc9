"""The web pages: server-rendered templates, htmx for the interactive parts.

Views check the role rule (:mod:`matching.web.permissions`), call the service functions
(:mod:`matching.web.services`, :mod:`matching.web.runs`, :mod:`matching.web.services_extra`)
and render; no matching logic here.
"""
