"""The worker's side of a submission: processing a draft (analysis) and rendering the approved final
(finalise), under a lease (lease). Called by worker.jobs with ids only; never by the web process."""
