"""What reaches a person by mail: the digest read from Postgres, the outbox and its delivery."""
