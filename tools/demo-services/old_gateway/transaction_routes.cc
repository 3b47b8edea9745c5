#include "tools/demo-services/old_gateway/transaction_routes.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/demo-services/common/ids.h"
#include "tools/demo-services/common/json_body.h"
#include "tools/demo-services/common/merchant_lookup.h"
#include "tools/demo-services/common/money.h"
#include "tools/demo-services/common/page_request.h"
#include "tools/demo-services/common/sql_time.h"
#include "tools/demo-services/old_gateway/card.h"
#include "tools/demo-services/old_gateway/card_network.h"

namespace demo {
namespace {

namespace rollback = shadowdiff::rollback;
using rollback::Param;
using rollback::Rows;

// The columns of X, in output order.
constexpr char kTransactionColumns[] =
    "t.id, t.merchant_id, t.customer_token, t.amount_cents, t.currency, t.status, t.card_brand,"
    " t.card_last4, " DEMO_SQL_TIME("t.created_at") ", " DEMO_SQL_TIME("t.voided_at");
enum Column {
  kId,
  kMerchantId,
  kCustomerToken,
  kAmount,
  kCurrency,
  kStatus,
  kBrand,
  kLast4,
  kCreated,
  kVoided
};

constexpr std::string_view kTransactionNotFound = "transaction not found";

void WriteTextOrNull(JsonWriter& writer, const Rows& rows, int row, int column) {
  if (rows.is_null(row, column)) {
    writer.Null();
  } else {
    WriteString(writer, rows.get(row, column));
  }
}

void WriteTransaction(JsonWriter& writer, const Rows& rows, int row) {
  std::string_view amount = rows.get(row, kAmount);
  int64_t cents = 0;
  std::from_chars(amount.data(), amount.data() + amount.size(), cents);
  writer.StartObject();
  WriteKey(writer, "id");
  WriteString(writer, rows.get(row, kId));
  WriteKey(writer, "merchant_id");
  WriteString(writer, rows.get(row, kMerchantId));
  WriteKey(writer, "customer_token");
  WriteTextOrNull(writer, rows, row, kCustomerToken);
  WriteKey(writer, "amount");
  WriteString(writer, FormatCentsTwoDecimals(cents));
  WriteKey(writer, "currency");
  WriteString(writer, rows.get(row, kCurrency));
  WriteKey(writer, "status");
  WriteString(writer, rows.get(row, kStatus));
  WriteKey(writer, "card");
  writer.StartObject();
  WriteKey(writer, "brand");
  WriteString(writer, rows.get(row, kBrand));
  WriteKey(writer, "last4");
  WriteString(writer, rows.get(row, kLast4));
  writer.EndObject();
  WriteKey(writer, "created_at");
  WriteString(writer, rows.get(row, kCreated));
  WriteKey(writer, "voided_at");
  WriteTextOrNull(writer, rows, row, kVoided);
  writer.EndObject();
}

shadowdiff::Result<Rows> SelectTransaction(rollback::RequestTransaction& tx,
                                           std::string_view merchant_id, std::string_view id) {
  return tx.Exec(std::string("SELECT ") + kTransactionColumns +
                     " FROM transactions t WHERE t.id = $1 AND t.merchant_id = $2",
                 {std::string(id), std::string(merchant_id)});
}

RouteResult OneTransaction(const RouteContext& context, int status, const Rows& rows) {
  return context.Succeed(status, [&](JsonWriter& writer) {
    WriteKey(writer, "transaction");
    WriteTransaction(writer, rows, 0);
  });
}

bool IsCurrencyCode(std::string_view text) {
  return text.size() == 3 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

RouteResult CreateSale(const RouteContext& context) {
  std::string merchant_id(context.Param("mid"));
  auto merchant = MerchantExists(context.tx, merchant_id);
  if (!merchant.ok()) return std::move(merchant).error();
  if (!*merchant) return context.Fail(404, kMerchantNotFound);

  ParsedBody body = ParseJsonObject(context.request.body);
  if (body.error_status) return context.Fail(body.error_status, body.error);
  const rapidjson::Value& object = *body.document;

  StringField amount_field = GetStringField(object, "amount", 32);
  std::optional<int64_t> cents;
  if (amount_field.value) cents = ParsePositiveAmount(*amount_field.value);
  if (!cents) {
    return context.Fail(422, "amount must be a positive decimal string such as \"12.50\"");
  }
  StringField currency = GetStringField(object, "currency", 8);
  if (!currency.value || !IsCurrencyCode(*currency.value)) {
    return context.Fail(422, "currency must be a three-letter ISO 4217 code such as \"USD\"");
  }
  StringField customer_token = GetStringField(object, "customer_token");
  if (!customer_token.error.empty()) return context.Fail(422, customer_token.error);
  if (customer_token.value) {
    auto customer = context.tx.Exec(
        "SELECT 1 FROM customers WHERE token = $1 AND merchant_id = $2 AND deleted_at IS NULL",
        {*customer_token.value, merchant_id});
    if (!customer.ok()) return std::move(customer).error();
    if (customer->size() == 0) {
      return context.Fail(422, "customer_token: no such customer at this merchant");
    }
  }
  auto card = object.FindMember("card");
  if (card == object.MemberEnd() || !card->value.IsObject()) {
    return context.Fail(422, "card must be an object with number, cvv and exp");
  }
  StringField number = GetStringField(card->value, "number", 64);
  StringField cvv = GetStringField(card->value, "cvv", 8);
  StringField exp = GetStringField(card->value, "exp", 16);
  if (!number.value || !cvv.value || !exp.value) {
    return context.Fail(422, "card.number, card.cvv and card.exp must be strings");
  }
  std::optional<CardSummary> summary = AcceptCardNumber(*number.value);
  if (!summary) return context.Fail(402, "card declined");

  std::string id = NewTransactionId();
  auto inserted = context.tx.Exec(
      "INSERT INTO transactions (id, merchant_id, customer_token, amount_cents, currency, status,"
      " card_brand, card_last4) VALUES ($1, $2, $3, $4::bigint, $5, 'settled', $6, $7)",
      {id, merchant_id, customer_token.value, std::to_string(*cents), *currency.value,
       summary->brand, summary->last4});
  if (!inserted.ok()) return std::move(inserted).error();
  ChargeCard(context.tx, id, *summary, *cents, *currency.value);

  auto rows = SelectTransaction(context.tx, merchant_id, id);
  if (!rows.ok()) return std::move(rows).error();
  if (rows->size() == 0) return shadowdiff::Error{"the inserted transaction " + id + " vanished"};
  return OneTransaction(context, 201, *rows);
}

RouteResult ListTransactions(const RouteContext& context) {
  std::string merchant_id(context.Param("mid"));
  auto merchant = MerchantExists(context.tx, merchant_id);
  if (!merchant.ok()) return std::move(merchant).error();
  if (!*merchant) return context.Fail(404, kMerchantNotFound);

  auto page = ParsePageRequest(context.request.Query());
  if (!page.ok()) return context.Fail(400, page.error().message);
  std::string sql = std::string("SELECT ") + kTransactionColumns +
                    " FROM transactions t WHERE t.merchant_id = $1";
  std::vector<Param> params = {merchant_id};
  if (page->after) {
    auto cursor = context.tx.Exec("SELECT 1 FROM transactions WHERE id = $1 AND merchant_id = $2",
                                  {*page->after, merchant_id});
    if (!cursor.ok()) return std::move(cursor).error();
    if (cursor->size() == 0) {
      return context.Fail(400, "after: no transaction with this id at this merchant");
    }
    params.push_back(*page->after);
    sql +=
        " AND (t.created_at, t.id) > (SELECT a.created_at, a.id FROM transactions a WHERE a.id = "
        "$2)";
  }
  params.push_back(std::to_string(page->limit + 1));
  sql += " ORDER BY t.created_at ASC, t.id ASC LIMIT $" + std::to_string(params.size());

  auto rows = context.tx.Exec(sql, params);
  if (!rows.ok()) return std::move(rows).error();
  int shown = std::min(rows->size(), page->limit);
  bool more = rows->size() > page->limit;
  return context.Succeed(200, [&](JsonWriter& writer) {
    WriteKey(writer, "transactions");
    writer.StartArray();
    for (int row = 0; row < shown; ++row) WriteTransaction(writer, *rows, row);
    writer.EndArray();
    WriteKey(writer, "next");
    if (more) {
      WriteString(writer, rows->get(shown - 1, kId));
    } else {
      writer.Null();
    }
  });
}

RouteResult GetTransaction(const RouteContext& context) {
  std::string merchant_id(context.Param("mid"));
  auto merchant = MerchantExists(context.tx, merchant_id);
  if (!merchant.ok()) return std::move(merchant).error();
  if (!*merchant) return context.Fail(404, kMerchantNotFound);
  auto rows = SelectTransaction(context.tx, merchant_id, context.Param("id"));
  if (!rows.ok()) return std::move(rows).error();
  if (rows->size() == 0) return context.Fail(404, kTransactionNotFound);
  return OneTransaction(context, 200, *rows);
}

RouteResult VoidTransaction(const RouteContext& context) {
  std::string merchant_id(context.Param("mid"));
  std::string id(context.Param("id"));
  auto merchant = MerchantExists(context.tx, merchant_id);
  if (!merchant.ok()) return std::move(merchant).error();
  if (!*merchant) return context.Fail(404, kMerchantNotFound);

  // Lock the row so that two concurrent voids cannot both succeed.
  auto current = context.tx.Exec(
      "SELECT status FROM transactions WHERE id = $1 AND merchant_id = $2 FOR UPDATE",
      {id, merchant_id});
  if (!current.ok()) return std::move(current).error();
  if (current->size() == 0) return context.Fail(404, kTransactionNotFound);
  if (current->get(0, 0) == "voided") return context.Fail(409, "transaction already voided");

  auto voided = context.tx.Exec(
      "UPDATE transactions SET status = 'voided', voided_at = now()"
      " WHERE id = $1 AND merchant_id = $2",
      {id, merchant_id});
  if (!voided.ok()) return std::move(voided).error();
  VoidCharge(context.tx, id);

  auto rows = SelectTransaction(context.tx, merchant_id, id);
  if (!rows.ok()) return std::move(rows).error();
  if (rows->size() == 0) return context.Fail(404, kTransactionNotFound);
  return OneTransaction(context, 200, *rows);
}

}  // namespace

void AddTransactionRoutes(Router& router) {
  router.Add("POST", "/merchants/{mid}/transactions", CreateSale);
  router.Add("GET", "/merchants/{mid}/transactions", ListTransactions);
  router.Add("GET", "/merchants/{mid}/transactions/{id}", GetTransaction);
  router.Add("POST", "/merchants/{mid}/transactions/{id}/void", VoidTransaction);
}

}  // namespace demo
