// How timestamps leave the database: RFC 3339 in UTC with milliseconds,
// "2026-11-22T23:02:02.123Z", formatted by PostgreSQL (NULL stays NULL). Both services use
// the same form, so timestamps of the same row compare equal.
#ifndef DEMO_SERVICES_COMMON_SQL_TIME_H_
#define DEMO_SERVICES_COMMON_SQL_TIME_H_

#define DEMO_SQL_TIME(column) \
  "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

#endif  // DEMO_SERVICES_COMMON_SQL_TIME_H_
