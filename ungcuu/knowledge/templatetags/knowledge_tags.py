from django import template

from ungcuu.knowledge.selectors import guides_for_type

register = template.Library()


@register.inclusion_tag("knowledge/_for_incident.html")
def guides_for_incident(incident):
    """The guides linked to an incident's type, for its page."""
    return {"guides": list(guides_for_type(getattr(incident, "incident_type_id", None)))}
