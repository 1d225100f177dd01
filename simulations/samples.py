"""Sample documents a learner downloads and attaches in a form's file field.

They are static files marked as practice samples. An uploaded file is compared with the
expected sample by its SHA-256 and never kept.
"""

import hashlib
from functools import cache

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 1_000_000
SAMPLES = {
    "birth-certificate": (
        "simulations/samples/birth-certificate.pdf",
        _("Hospital birth certificate (sample)"),
    ),
    "rental-contract": ("simulations/samples/rental-contract.pdf", _("Rental contract (sample)")),
}


def sample_links() -> list[dict]:
    """Every sample as the page offers it: a label and a download address."""
    return [{"url": static(path), "label": label} for path, label in SAMPLES.values()]


@cache
def _digest(name: str) -> str:
    path = finders.find(SAMPLES[name][0])
    with open(path, "rb") as sample:
        return hashlib.sha256(sample.read()).hexdigest()


def is_sample(upload, name: str) -> bool:
    """Whether ``upload`` (an uploaded file) is the sample ``name`` byte for byte."""
    if name not in SAMPLES or not hasattr(upload, "read") or upload.size > MAX_UPLOAD_BYTES:
        return False
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest() == _digest(name)
