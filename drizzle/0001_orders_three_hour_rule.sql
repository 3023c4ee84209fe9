-- The 3-hour rule, enforced by the database so that concurrent requests from
-- any number of service processes can never both win a slot.
-- Each order occupies the half-open range [datetime, datetime + 3h); two
-- orders conflict exactly when their ranges overlap, i.e. when they are less
-- than 3 hours apart. Exactly 3 hours apart is allowed ('[)' bounds).
-- The range is built from the UTC wall-clock time (timestamp without time
-- zone) because `timestamptz + interval` is not IMMUTABLE and an index
-- expression must be; the result is the same instant-for-instant.
ALTER TABLE "orders" ADD CONSTRAINT "orders_three_hour_rule"
  EXCLUDE USING gist (
    tsrange(("datetime" AT TIME ZONE 'UTC'), ("datetime" AT TIME ZONE 'UTC') + interval '3 hours', '[)') WITH &&
  );
