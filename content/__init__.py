"""Learning content that is not a page of its own: H5P packages and their shared libraries."""
