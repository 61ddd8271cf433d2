"""The Dutch world of the Jobfeed fake: jobs with postings, their field catalogue and store."""
