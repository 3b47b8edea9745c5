#include "tools/demo-services/common/schema.h"

#include <string>
#include <string_view>

namespace demo {

using shadowdiff::Error;
using shadowdiff::Status;
namespace rollback = shadowdiff::rollback;

namespace {

// One statement per entry (the rollback library runs exactly one statement per Exec).
constexpr std::string_view kStatements[] = {
    R"sql(CREATE TABLE IF NOT EXISTS merchants (
      id text PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()))sql",
    R"sql(CREATE TABLE IF NOT EXISTS customers (
      token text PRIMARY KEY,
      merchant_id text NOT NULL REFERENCES merchants (id),
      first_name text,
      last_name text,
      email text NOT NULL,
      phone text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz))sql",
    // One live customer per e-mail address and merchant (case-insensitive).
    R"sql(CREATE UNIQUE INDEX IF NOT EXISTS customers_merchant_email_live
      ON customers (merchant_id, lower(email)) WHERE deleted_at IS NULL)sql",
    R"sql(CREATE INDEX IF NOT EXISTS customers_merchant_created
      ON customers (merchant_id, created_at, token))sql",
    R"sql(CREATE TABLE IF NOT EXISTS transactions (
      id text PRIMARY KEY,
      merchant_id text NOT NULL REFERENCES merchants (id),
      customer_token text REFERENCES customers (token),
      amount_cents bigint NOT NULL CHECK (amount_cents > 0),
      currency text NOT NULL,
      status text NOT NULL CHECK (status IN ('settled', 'voided')),
      card_brand text NOT NULL,
      card_last4 text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      voided_at timestamptz))sql",
    R"sql(CREATE INDEX IF NOT EXISTS transactions_merchant_created
      ON transactions (merchant_id, created_at, id))sql",
    R"sql(CREATE INDEX IF NOT EXISTS transactions_customer
      ON transactions (customer_token) WHERE customer_token IS NOT NULL)sql",
    R"sql(INSERT INTO merchants (id, name) VALUES
      ('m_acme', 'Acme Corp'), ('m_globex', 'Globex'), ('m_initech', 'Initech')
      ON CONFLICT (id) DO NOTHING)sql",
};

}  // namespace

Status ApplySchema(rollback::Connection& connection) {
  auto tx = rollback::RequestTransaction::Begin(connection, rollback::ShadowContext(),
                                                rollback::ServiceOptions());
  if (!tx.ok()) return Error{"applying the schema: " + tx.error().message};
  auto locked =
      (*tx)->Exec("SELECT pg_advisory_xact_lock($1::bigint)", {std::to_string(kSchemaLockKey)});
  if (!locked.ok()) return Error{"applying the schema (advisory lock): " + locked.error().message};
  // "relation ... already exists, skipping" notices would be noise on every start.
  auto quiet = (*tx)->Exec("SET LOCAL client_min_messages = warning");
  if (!quiet.ok()) return Error{"applying the schema: " + quiet.error().message};
  for (std::string_view statement : kStatements) {
    auto done = (*tx)->Exec(statement);
    if (!done.ok()) {
      (*tx)->Finish(false);
      return Error{"applying the schema: " + done.error().message};
    }
  }
  rollback::Finished finished = (*tx)->Finish(true);
  if (!finished.committed) return Error{"applying the schema: COMMIT failed"};
  return Status();
}

}  // namespace demo
