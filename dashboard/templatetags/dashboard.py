from django import template

from core.templatetags.savad import digits

register = template.Library()
register.filter("digits", digits)  # the site-wide one, for templates that load only this library
