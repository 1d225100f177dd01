"""Progress core: what each learner did in each activity, and a per-course summary."""
