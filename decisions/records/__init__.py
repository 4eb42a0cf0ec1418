"""A decision's records (its proposal, drafts, opinions, review, meeting, publication) and the
services that write them, stage by stage."""
