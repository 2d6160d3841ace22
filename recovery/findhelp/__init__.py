"""Find help near me: group finders, treatment finders, family therapy and crisis lines per country,
with the server's own local list (instance/local_help.toml) first, and "Add as a commitment"."""
