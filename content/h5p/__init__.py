"""H5P packages: checking an uploaded ``.h5p`` file before anything is extracted from it."""
