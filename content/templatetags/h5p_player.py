"""``{% h5p_frame package as frame %}``: the sandboxed player frame of a package on this page."""

from django import template

from content.access import frame_for
from courses.models import ActivityPage

register = template.Library()


@register.simple_tag(takes_context=True)
def h5p_frame(context, package) -> dict | None:
    """Issue the viewer's player token while the page renders (None without a viewer or page).

    The page itself has already checked that the viewer may open it; the frame re-checks on
    every request that the token's user may still open the activity.
    """
    request = context.get("request")
    page = context.get("page")
    if request is None or not isinstance(page, ActivityPage):
        return None
    if not request.user.is_authenticated:
        return None
    if package is None or not package.is_ready:
        return None
    return frame_for(request=request, page=page, package=package)
