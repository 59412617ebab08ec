"""Template tags of the portal shell."""

from django import template

from itsm.portal.nav import nav_links

register = template.Library()


@register.inclusion_tag("portal/_nav_links.html", takes_context=True)
def portal_nav(context):
    return {"links": nav_links(context.get("request"))}
