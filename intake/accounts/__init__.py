"""Who is calling and what they may do: users and tokens, the permissions table, conflicts of interest."""
